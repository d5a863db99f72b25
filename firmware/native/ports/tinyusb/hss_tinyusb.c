/*
 * TinyUSB port of the HSS USB function (API: TinyUSB 0.18.0; see hss_tinyusb.h). It moves bytes and events only:
 * every decision is the core's. All TinyUSB callbacks run in the TinyUSB device task, so the core's lock is a
 * FreeRTOS mutex (ESP-IDF headers), also taken by the binding's threads.
 *
 * TinyUSB 0.21.0 gave usbd_edpt_xfer a last argument `is_isr` (pass false there); 0.17 to 0.20 match this file.
 */
#include "hss_tinyusb.h"

#include <string.h>

#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "tusb.h"
#include "device/usbd_pvt.h"

#define RHPORT HSS_TINYUSB_RHPORT
#define ENDPOINTS_MAX 4u

static hss_usb_t *s_usb;
static void (*s_wake)(uint32_t events);
static SemaphoreHandle_t s_mutex;
static StaticSemaphore_t s_mutex_storage;
static hss_usb_speed_t s_speed = HSS_USB_SPEED_FULL;

/* Endpoint descriptors of the configuration TinyUSB opened us with (usbd_edpt_open takes the descriptor). */
static const tusb_desc_endpoint_t *s_endpoints[ENDPOINTS_MAX];

static const tusb_desc_endpoint_t *endpoint_descriptor(uint8_t address)
{
    for (size_t i = 0; i < ENDPOINTS_MAX; i++) {
        if (s_endpoints[i] != NULL && s_endpoints[i]->bEndpointAddress == address) {
            return s_endpoints[i];
        }
    }
    return NULL;
}

/* ---- hss_usb_port_t ---- */

static int port_endpoint_open(void *context, uint8_t address, uint8_t type, uint16_t max_packet)
{
    (void)context;
    const tusb_desc_endpoint_t *desc = endpoint_descriptor(address);
    /* The core found the endpoint in the same configuration descriptor TinyUSB gave open(): they must agree. */
    if (desc == NULL || desc->bmAttributes.xfer != type || (desc->wMaxPacketSize & 0x7FFu) != max_packet) {
        return HSS_USB_ERR_PORT;
    }
    return usbd_edpt_open(RHPORT, desc) ? 0 : HSS_USB_ERR_PORT;
}

static void port_endpoint_close(void *context, uint8_t address)
{
    (void)context;
    usbd_edpt_close(RHPORT, address);
}

static int port_endpoint_transfer(void *context, uint8_t address, uint8_t *buffer, size_t length)
{
    (void)context;
    if (length > 0xFFFFu) {
        return HSS_USB_ERR_ARGUMENT; /* the core's chunks are at most HSS_USB_DATA_CHUNK_MAX */
    }
    /* Claim: the transfer may start from a binding thread while the TinyUSB task runs. */
    if (!usbd_edpt_claim(RHPORT, address)) {
        return HSS_USB_ERR_PORT;
    }
    if (!usbd_edpt_xfer(RHPORT, address, buffer, (uint16_t)length)) {
        (void)usbd_edpt_release(RHPORT, address);
        return HSS_USB_ERR_PORT;
    }
    return 0;
}

static void port_endpoint_stall(void *context, uint8_t address, bool stalled)
{
    (void)context;
    if (stalled) {
        usbd_edpt_stall(RHPORT, address);
    } else {
        usbd_edpt_clear_stall(RHPORT, address);
    }
}

static void port_connect(void *context, bool connected)
{
    (void)context;
    if (tud_inited()) {
        (void)(connected ? tud_connect() : tud_disconnect());
    } /* else TinyUSB connects when the firmware initialises it, after open (hss_tinyusb.h) */
}

static void port_lock(void *context)
{
    (void)context;
    (void)xSemaphoreTake(s_mutex, portMAX_DELAY);
}

static void port_unlock(void *context)
{
    (void)context;
    (void)xSemaphoreGive(s_mutex);
}

static void port_wake(void *context, uint32_t events)
{
    (void)context;
    void (*wake)(uint32_t) = s_wake;
    if (wake != NULL) {
        wake(events);
    }
}

static const hss_usb_port_t s_port = {
    port_endpoint_open, port_endpoint_close, port_endpoint_transfer, port_endpoint_stall,
    port_connect,       port_lock,           port_unlock,            port_wake,
};

/* TinyUSB reports the bus speed after calling the drivers' reset (usbd.c, DCD_EVENT_BUS_RESET): catch up before
   the first descriptor or configuration of the new speed. Harmless then, as the link is down. */
static void sync_speed(void)
{
    hss_usb_speed_t speed = tud_speed_get() == TUSB_SPEED_HIGH ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL;
    if (speed != s_speed && s_usb != NULL && hss_usb_link_state(s_usb) == HSS_USB_LINK_DOWN) {
        s_speed = speed;
        hss_usb_port_bus_reset(s_usb, speed);
    }
}

/* ---- application class driver ---- */

static void driver_init(void)
{
}

static bool driver_deinit(void)
{
    return true;
}

static void driver_reset(uint8_t rhport)
{
    (void)rhport;
    /* Bus reset, unplug and SET_CONFIGURATION(0 or another) all come here: for the core each is a link-down. */
    memset(s_endpoints, 0, sizeof(s_endpoints));
    if (s_usb != NULL) {
        s_speed = tud_speed_get() == TUSB_SPEED_HIGH ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL;
        hss_usb_port_bus_reset(s_usb, s_speed);
    }
}

static uint16_t driver_open(uint8_t rhport, tusb_desc_interface_t const *itf, uint16_t max_len)
{
    (void)rhport;
    if (s_usb == NULL) {
        return 0;
    }
    sync_speed();
    /* The configuration holds the HSS function only: claim every interface and endpoint up to its end. */
    const uint8_t *at = (const uint8_t *)itf;
    const uint8_t *end = at + max_len;
    size_t count = 0;
    memset(s_endpoints, 0, sizeof(s_endpoints));
    while (end - at >= 2 && at[0] >= 2u && at[0] <= end - at) {
        if (at[1] == TUSB_DESC_ENDPOINT && at[0] >= 7u && count < ENDPOINTS_MAX) {
            s_endpoints[count++] = (const tusb_desc_endpoint_t *)(const void *)at;
        }
        at += at[0];
    }
    size_t config_length = 0;
    const uint8_t *config = hss_usb_port_descriptor(s_usb, TUSB_DESC_CONFIGURATION, 0, 0, &config_length);
    if (config == NULL || config_length < 9u || hss_usb_port_configured(s_usb, config[5]) != HSS_USB_OK) {
        return 0; /* TinyUSB then fails SET_CONFIGURATION: the host sees a STALL */
    }
    return max_len;
}

/* Passes a SETUP to the core and answers as it decides. */
static bool answer_setup(uint8_t rhport, tusb_control_request_t const *request)
{
    const uint8_t setup[8] = {
        request->bmRequestType,        request->bRequest,           (uint8_t)request->wValue,
        (uint8_t)(request->wValue >> 8), (uint8_t)request->wIndex, (uint8_t)(request->wIndex >> 8),
        (uint8_t)request->wLength,     (uint8_t)(request->wLength >> 8)};
    const uint8_t *data = NULL;
    size_t length = 0;
    switch (hss_usb_port_control(s_usb, setup, &data, &length)) {
    case HSS_USB_CONTROL_DATA:
        return tud_control_xfer(rhport, request, (void *)(uintptr_t)data, (uint16_t)length);
    case HSS_USB_CONTROL_ACK:
        return tud_control_status(rhport, request);
    default:
        return false; /* TinyUSB STALLs endpoint 0 */
    }
}

static bool driver_control_xfer(uint8_t rhport, uint8_t stage, tusb_control_request_t const *request)
{
    if (s_usb == NULL) {
        return false;
    }
    return stage == CONTROL_STAGE_SETUP ? answer_setup(rhport, request) : true;
}

static bool driver_xfer(uint8_t rhport, uint8_t ep_addr, xfer_result_t result, uint32_t xferred_bytes)
{
    (void)rhport;
    if (s_usb != NULL) {
        hss_usb_port_transfer_complete(s_usb, ep_addr, xferred_bytes,
                                       result == XFER_RESULT_SUCCESS ? HSS_USB_TRANSFER_OK : HSS_USB_TRANSFER_FAILED);
    }
    return true;
}

static const usbd_class_driver_t s_driver = {
    .name = "HSS",
    .init = driver_init,
    .deinit = driver_deinit,
    .reset = driver_reset,
    .open = driver_open,
    .control_xfer_cb = driver_control_xfer,
    .xfer_cb = driver_xfer,
    .sof = NULL,
};

usbd_class_driver_t const *usbd_app_driver_get_cb(uint8_t *driver_count)
{
    *driver_count = 1;
    return &s_driver;
}

/* Device-recipient vendor requests (MS OS 2.0) reach the application, not the class driver (usbd.c). */
bool tud_vendor_control_xfer_cb(uint8_t rhport, uint8_t stage, tusb_control_request_t const *request)
{
    return driver_control_xfer(rhport, stage, request);
}

static const uint8_t *blob_descriptor(uint8_t type, uint8_t index, uint16_t language_id, size_t *length)
{
    return s_usb == NULL ? NULL : hss_usb_port_descriptor(s_usb, type, index, language_id, length);
}

uint8_t const *tud_descriptor_bos_cb(void)
{
    size_t length;
    return blob_descriptor(TUSB_DESC_BOS, 0, 0, &length);
}

#if HSS_TINYUSB_DESCRIPTOR_CALLBACKS
uint8_t const *tud_descriptor_device_cb(void)
{
    size_t length;
    return blob_descriptor(TUSB_DESC_DEVICE, 0, 0, &length);
}

uint8_t const *tud_descriptor_configuration_cb(uint8_t index)
{
    size_t length;
    sync_speed();
    return blob_descriptor(TUSB_DESC_CONFIGURATION, index, 0, &length);
}

uint8_t const *tud_descriptor_device_qualifier_cb(void)
{
    size_t length;
    return blob_descriptor(TUSB_DESC_DEVICE_QUALIFIER, 0, 0, &length);
}

uint8_t const *tud_descriptor_other_speed_configuration_cb(uint8_t index)
{
    size_t length;
    sync_speed();
    return blob_descriptor(TUSB_DESC_OTHER_SPEED_CONFIG, index, 0, &length);
}

uint16_t const *tud_descriptor_string_cb(uint8_t index, uint16_t langid)
{
    static uint16_t text[128]; /* TinyUSB reads a uint16_t array: copy, the blob's bytes may be unaligned */
    size_t length = 0;
    const uint8_t *bytes = blob_descriptor(TUSB_DESC_STRING, index, langid, &length);
    if (bytes == NULL || length > sizeof(text)) {
        return NULL;
    }
    memcpy(text, bytes, length);
    return text;
}
#endif

/* ---- instance ---- */

hss_usb_status_t hss_tinyusb_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                                  void (*wake)(uint32_t events))
{
    if (s_usb != NULL) {
        return HSS_USB_ERR_ARGUMENT; /* one HSS function per device */
    }
    if (s_mutex == NULL) {
        s_mutex = xSemaphoreCreateMutexStatic(&s_mutex_storage);
    }
    s_wake = wake;
    /* hss_usb_open sets s_usb before it connects, so bus events find the instance. */
    return hss_usb_open(config, memory, memory_size, &s_port, NULL, &s_usb);
}

void hss_tinyusb_close(void)
{
    hss_usb_t *usb = s_usb;
    if (usb != NULL) {
        hss_usb_close(usb);
        s_usb = NULL;
    }
}

hss_usb_t *hss_tinyusb_instance(void)
{
    return s_usb;
}

void hss_tinyusb_suspended(bool suspended)
{
    if (s_usb != NULL) {
        (suspended ? hss_usb_port_suspend : hss_usb_port_resume)(s_usb);
    }
}
