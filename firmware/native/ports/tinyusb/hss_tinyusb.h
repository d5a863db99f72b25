/*
 * HssDevice native USB function over TinyUSB (ESP32-S3 with esp_tinyusb): the port of the portable core.
 *
 * Follows the TinyUSB 0.18.0 device API (src/device/usbd.h, usbd_pvt.h; esp_tinyusb 2.x pulls TinyUSB >= 0.17.0,
 * whose API is the same here). TinyUSB's vendor class opens one bulk pair only, so the HSS interface is an
 * application class driver (usbd_app_driver_get_cb) that opens all four endpoints through the core.
 *
 * Use: after TinyUSB is initialised (or right before, see hss_tinyusb_open), call hss_tinyusb_open with the
 * descriptor blob and sizes; the binding reads and writes through hss_usb.h on hss_tinyusb_instance() and gets
 * readiness through `wake` (called from the TinyUSB task or the caller's thread, never under the core's lock).
 *
 * Descriptors: with HSS_TINYUSB_DESCRIPTOR_CALLBACKS=1 this file defines TinyUSB's descriptor callbacks (device,
 * configuration, string, qualifier, other-speed) from the blob. esp_tinyusb defines those itself, so there
 * (HSS_TINYUSB_DESCRIPTOR_CALLBACKS=0, the default) hss_tinyusb_descriptors() fills what esp_tinyusb's
 * tinyusb_config_t.descriptor needs from the blob. The BOS descriptor and the MS OS 2.0 vendor request
 * (tud_descriptor_bos_cb, tud_vendor_control_xfer_cb) are always defined here: esp_tinyusb defines neither.
 */
#ifndef HSS_TINYUSB_H
#define HSS_TINYUSB_H

#include "hss_usb_port.h"

#ifndef HSS_TINYUSB_DESCRIPTOR_CALLBACKS
#define HSS_TINYUSB_DESCRIPTOR_CALLBACKS 0
#endif

/* TinyUSB root hub port of the device stack (esp_tinyusb: TINYUSB_PORT_FULL_SPEED_0 is 0). */
#ifndef HSS_TINYUSB_RHPORT
#define HSS_TINYUSB_RHPORT 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Opens the core in `memory` over this port; `wake` receives the core's HSS_USB_EVENT_* masks. */
hss_usb_status_t hss_tinyusb_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                                  void (*wake)(uint32_t events));
void hss_tinyusb_close(void);
hss_usb_t *hss_tinyusb_instance(void);

/* For firmware that owns tud_suspend_cb / tud_resume_cb (esp_tinyusb may): report them here. */
void hss_tinyusb_suspended(bool suspended);

/* The blob's descriptors in the shape esp_tinyusb's descriptor configuration takes (strings as ASCII). */
typedef struct hss_tinyusb_descriptors {
    const uint8_t *device;
    const uint8_t *qualifier;         /* always NULL: full speed only this way (hss_tinyusb.c) */
    const uint8_t *full_speed_config;
    const uint8_t *high_speed_config; /* always NULL */
    const char **strings;             /* [0] the language id as two bytes, then indexes 1..string_count-1 */
    int string_count;
} hss_tinyusb_descriptors_t;

hss_usb_status_t hss_tinyusb_descriptors(hss_tinyusb_descriptors_t *out);

#ifdef __cplusplus
}
#endif

#endif /* HSS_TINYUSB_H */
