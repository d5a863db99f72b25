/*
 * HssDevice native USB function: the port interface, what differs per platform (USB/IP on Linux, TinyUSB on the
 * ESP32-S3, ChibiOS on STM32). The port supplies the functions of hss_usb_port_t; the USB stack's events reach
 * the core through the hss_usb_port_* calls below. Every decision (Chapter 9, pipe rules, link state) is the
 * core's: a port only moves bytes and events.
 */
#ifndef HSS_USB_PORT_H
#define HSS_USB_PORT_H

#include "hss_usb.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hss_usb_speed {
    HSS_USB_SPEED_FULL = 0,
    HSS_USB_SPEED_HIGH = 1
} hss_usb_speed_t;

/* Endpoint transfer types as in bmAttributes (USB 2.0 table 9-13). */
#define HSS_USB_EP_BULK 0x02u
#define HSS_USB_EP_INTERRUPT 0x03u

typedef enum hss_usb_transfer_result {
    HSS_USB_TRANSFER_OK = 0,
    HSS_USB_TRANSFER_FAILED = 1,   /* error on the bus */
    HSS_USB_TRANSFER_CANCELLED = 2 /* aborted by reset, disconnect, endpoint close or unlink */
} hss_usb_transfer_result_t;

typedef struct hss_usb_port {
    /* Opens an endpoint as its descriptor says; 0 or a negative status. */
    int (*endpoint_open)(void *context, uint8_t address, uint8_t type, uint16_t max_packet);
    /* Closes an endpoint; a transfer in flight completes CANCELLED. */
    void (*endpoint_close)(void *context, uint8_t address);
    /*
     * Starts one transfer on an endpoint: IN sends exactly `length` bytes as max-packet-sized packets (length 0 is
     * a zero-length packet; the port never adds one); OUT receives up to `length` bytes (a multiple of the
     * max packet) and completes on a short packet or a full buffer. The buffer stays the core's until the port
     * calls hss_usb_port_transfer_complete. Returns 0 or a negative status.
     */
    int (*endpoint_transfer)(void *context, uint8_t address, uint8_t *buffer, size_t length);
    /* Sets or clears an endpoint's halt (STALL). */
    void (*endpoint_stall)(void *context, uint8_t address, bool stalled);
    /* Pull-up on (true) or off. */
    void (*connect)(void *context, bool connected);
    /*
     * The core's lock: every core entry point takes it. endpoint_open/close/transfer/stall and connect are called
     * WITH the lock held, so they must not call back into the core from inside (report completions later, from
     * the stack's own context); after endpoint_close returns, no completion of an earlier transfer is reported.
     * wake is called without the lock. In an interrupt-driven stack the lock masks the USB interrupt.
     */
    void (*lock)(void *context);
    void (*unlock)(void *context);
    /* Wakes whoever waits on the managed side: `events` is a mask of HSS_USB_EVENT_*. Called without the lock. */
    void (*wake)(void *context, uint32_t events);
} hss_usb_port_t;

/* What the core answers to a control request. */
typedef enum hss_usb_control_result {
    HSS_USB_CONTROL_STALL = 0, /* not supported: the port STALLs endpoint 0 */
    HSS_USB_CONTROL_ACK = 1,   /* handled, no data stage (status stage only) */
    HSS_USB_CONTROL_DATA = 2   /* handled: send *data (length already capped at wLength) in the data stage */
} hss_usb_control_result_t;

/* Bus events, reported by the port from its USB stack. */
void hss_usb_port_bus_reset(hss_usb_t *usb, hss_usb_speed_t speed);
void hss_usb_port_suspend(hss_usb_t *usb);
void hss_usb_port_resume(hss_usb_t *usb);
void hss_usb_port_disconnected(hss_usb_t *usb);

/*
 * A SETUP packet (8 bytes, USB 2.0 section 9.3) on endpoint 0. Chapter 9 requests and the MS OS 2.0 vendor
 * request are answered here; anything else STALLs. For CONTROL_DATA, *data points into the core's memory and
 * stays valid until the next control request.
 */
hss_usb_control_result_t hss_usb_port_control(hss_usb_t *usb, const uint8_t setup[8], const uint8_t **data,
                                              size_t *length);

/*
 * For stacks that answer Chapter 9 themselves (TinyUSB): one descriptor from the blob, by type, index and
 * language id; NULL when there is none. The other-speed configuration and the device qualifier are included.
 */
const uint8_t *hss_usb_port_descriptor(hss_usb_t *usb, uint8_t type, uint8_t index, uint16_t language_id,
                                       size_t *length);

/*
 * For stacks that answer SET_CONFIGURATION themselves (TinyUSB): the host set `configuration` (0 = unconfigured).
 * Same effect as the request through hss_usb_port_control: the endpoints open and the link goes up, or down.
 * HSS_USB_ERR_ARGUMENT for a configuration the descriptors do not have, HSS_USB_ERR_PORT when an endpoint failed.
 */
hss_usb_status_t hss_usb_port_configured(hss_usb_t *usb, uint8_t configuration);

/* A transfer the core started finished: `actual` bytes moved. */
void hss_usb_port_transfer_complete(hss_usb_t *usb, uint8_t address, size_t actual,
                                    hss_usb_transfer_result_t result);

#ifdef __cplusplus
}
#endif

#endif /* HSS_USB_PORT_H */
