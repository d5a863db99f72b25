/* API SHAPES ONLY (see ../tusb.h): TinyUSB 0.18.0 src/device/usbd_pvt.h, the class driver interface. */
#ifndef HSS_SHAPES_USBD_PVT_H
#define HSS_SHAPES_USBD_PVT_H

#include "tusb.h"

typedef struct {
    char const *name;
    void (*init)(void);
    bool (*deinit)(void);
    void (*reset)(uint8_t rhport);
    uint16_t (*open)(uint8_t rhport, tusb_desc_interface_t const *desc_intf, uint16_t max_len);
    bool (*control_xfer_cb)(uint8_t rhport, uint8_t stage, tusb_control_request_t const *request);
    bool (*xfer_cb)(uint8_t rhport, uint8_t ep_addr, xfer_result_t result, uint32_t xferred_bytes);
    void (*sof)(uint8_t rhport, uint32_t frame_count);
} usbd_class_driver_t;

usbd_class_driver_t const *usbd_app_driver_get_cb(uint8_t *driver_count);
bool usbd_edpt_open(uint8_t rhport, tusb_desc_endpoint_t const *desc_ep);
void usbd_edpt_close(uint8_t rhport, uint8_t ep_addr);
bool usbd_edpt_xfer(uint8_t rhport, uint8_t ep_addr, uint8_t *buffer, uint16_t total_bytes);
bool usbd_edpt_claim(uint8_t rhport, uint8_t ep_addr);
bool usbd_edpt_release(uint8_t rhport, uint8_t ep_addr);
void usbd_edpt_stall(uint8_t rhport, uint8_t ep_addr);
void usbd_edpt_clear_stall(uint8_t rhport, uint8_t ep_addr);

#endif
