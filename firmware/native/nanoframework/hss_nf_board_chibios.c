/*
 * Board glue of the nanoCLR binding for STM32 firmware on ChibiOS: the ChibiOS port (ports/chibios) on the USB
 * driver HSS_NF_CHIBIOS_DRIVER, USBD2 (OTG_HS, the STM32F769I-Discovery's ULPI port) unless the CMake module's
 * HSS_NANOFRAMEWORK_CHIBIOS_DRIVER says USBD1 (OTG_FS). The port starts the driver with its own USBConfig; its wake
 * runs in the USB interrupt, which hss_nf_post_event allows.
 */
#include "hss_nf_config.h"
#include "hss_nf_binding.h"
#include "hss_chibios.h"

#ifndef HSS_NF_CHIBIOS_DRIVER
#define HSS_NF_CHIBIOS_DRIVER USBD2
#endif

hss_usb_status_t hss_nf_board_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                                   void (*wake)(uint32_t events))
{
    return hss_chibios_open(&HSS_NF_CHIBIOS_DRIVER, config, memory, memory_size, wake);
}

void hss_nf_board_close(void)
{
    hss_chibios_close();
}

hss_usb_t *hss_nf_board_instance(void)
{
    return hss_chibios_instance();
}
