/*
 * API SHAPES ONLY, for the compile check of hss_tinyusb.c (firmware/native/CMakeLists.txt, target
 * hss_port_shapes): the declarations of TinyUSB 0.18.0 (src/common/tusb_types.h, src/device/usbd.h) the port
 * uses, written from the documented API. Not TinyUSB; never linked; a firmware build uses the real headers.
 */
#ifndef HSS_SHAPES_TUSB_H
#define HSS_SHAPES_TUSB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { TUSB_SPEED_FULL = 0, TUSB_SPEED_LOW = 1, TUSB_SPEED_HIGH = 2 } tusb_speed_t;

typedef enum {
    TUSB_DESC_DEVICE = 0x01,
    TUSB_DESC_CONFIGURATION = 0x02,
    TUSB_DESC_STRING = 0x03,
    TUSB_DESC_INTERFACE = 0x04,
    TUSB_DESC_ENDPOINT = 0x05,
    TUSB_DESC_DEVICE_QUALIFIER = 0x06,
    TUSB_DESC_OTHER_SPEED_CONFIG = 0x07,
    TUSB_DESC_BOS = 0x0F
} tusb_desc_type_t;

typedef enum { XFER_RESULT_SUCCESS = 0, XFER_RESULT_FAILED, XFER_RESULT_STALLED, XFER_RESULT_TIMEOUT } xfer_result_t;

enum { CONTROL_STAGE_IDLE, CONTROL_STAGE_SETUP, CONTROL_STAGE_DATA, CONTROL_STAGE_ACK };

typedef struct __attribute__((packed)) {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint8_t bInterfaceNumber;
    uint8_t bAlternateSetting;
    uint8_t bNumEndpoints;
    uint8_t bInterfaceClass;
    uint8_t bInterfaceSubClass;
    uint8_t bInterfaceProtocol;
    uint8_t iInterface;
} tusb_desc_interface_t;

typedef struct __attribute__((packed)) {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint8_t bEndpointAddress;
    struct __attribute__((packed)) {
        uint8_t xfer : 2;
        uint8_t sync : 2;
        uint8_t usage : 2;
        uint8_t : 2;
    } bmAttributes;
    uint16_t wMaxPacketSize;
    uint8_t bInterval;
} tusb_desc_endpoint_t;

typedef struct __attribute__((packed)) {
    uint8_t bmRequestType;
    uint8_t bRequest;
    uint16_t wValue;
    uint16_t wIndex;
    uint16_t wLength;
} tusb_control_request_t;

bool tud_inited(void);
tusb_speed_t tud_speed_get(void);
bool tud_connect(void);
bool tud_disconnect(void);
bool tud_control_xfer(uint8_t rhport, tusb_control_request_t const *request, void *buffer, uint16_t len);
bool tud_control_status(uint8_t rhport, tusb_control_request_t const *request);

uint8_t const *tud_descriptor_device_cb(void);
uint8_t const *tud_descriptor_configuration_cb(uint8_t index);
uint16_t const *tud_descriptor_string_cb(uint8_t index, uint16_t langid);
uint8_t const *tud_descriptor_bos_cb(void);
uint8_t const *tud_descriptor_device_qualifier_cb(void);
uint8_t const *tud_descriptor_other_speed_configuration_cb(uint8_t index);
bool tud_vendor_control_xfer_cb(uint8_t rhport, uint8_t stage, tusb_control_request_t const *request);

#endif
