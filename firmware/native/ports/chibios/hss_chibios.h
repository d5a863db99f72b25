/*
 * HssDevice native USB function over ChibiOS/HAL (STM32 OTG): the port of the portable core.
 *
 * Follows the ChibiOS 21.11.x HAL USB API (os/hal/include/hal_usb.h) and the STM32 OTGv1 low-level driver
 * (os/hal/ports/STM32/LLD/OTGv1). Two boards:
 *  - STM32F769I-Discovery, high speed: OTG_HS (USBD2) with the external ULPI PHY its board file declares
 *    (BOARD_OTG2_USES_ULPI). Its stock configuration has USB off: set HAL_USE_USB TRUE in halconf.h and
 *    STM32_USB_USE_OTG2 TRUE in mcuconf.h (STM32_USE_USB_OTG2_HS stays TRUE, the default).
 *  - Any STM32 board with OTG_FS, full speed: USBD1, HAL_USE_USB TRUE and STM32_USB_USE_OTG1 TRUE.
 * Pass the driver to hss_chibios_open (&USBD2 or &USBD1); this port starts it with its own USBConfig.
 *
 * The core's lock is the ChibiOS system lock (chSysGetStatusAndLockX, usable from threads and ISRs: the HAL calls
 * the port from the USB interrupt). `wake` runs from the USB interrupt too, so it must be ISR-safe.
 */
#ifndef HSS_CHIBIOS_H
#define HSS_CHIBIOS_H

#include "hal.h"
#include "hss_usb_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opens the core in `memory` over `usbp`, starts the driver and connects; `wake` gets HSS_USB_EVENT_* masks. */
hss_usb_status_t hss_chibios_open(USBDriver *usbp, const hss_usb_config_t *config, void *memory,
                                  size_t memory_size, void (*wake)(uint32_t events));
void hss_chibios_close(void);
hss_usb_t *hss_chibios_instance(void);

#ifdef __cplusplus
}
#endif

#endif /* HSS_CHIBIOS_H */
