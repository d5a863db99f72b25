/*
 * HssDevice native USB function: the API the managed side calls (the same on every platform).
 *
 * One instance serves one HSS interface: a command pipe (interrupt IN/OUT, one HSS command packet per transfer)
 * and a data pipe (bulk IN/OUT, transfers of whole HSS data packets), or in the single-pipe profile one bulk pair
 * for both (docs/protocol.md section 3). The instance lives in memory the caller gives at open; nothing is
 * allocated after that. Every call is thread-safe (the port's lock) and none blocks: reads and writes take or
 * queue what they can now and return; readiness is reported through the port's wake callback (hss_usb_port.h),
 * which the .NET wrapper and the nanoCLR binding each turn into a wait of their own.
 *
 * Descriptors come from managed code (UsbDescriptorBuilder, the bytes `hss descriptors` prints) as one blob whose
 * format is in docs/native-usb.md; the core serves exactly those bytes and finds its endpoints in the configuration
 * descriptor (interrupt endpoints: the command pipe; bulk endpoints: the data pipe).
 */
#ifndef HSS_USB_H
#define HSS_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HSS_USB_API_VERSION 1

/* Largest HSS command packet (header included): one interrupt transfer (docs/protocol.md section 3). */
#define HSS_USB_COMMAND_MAX 64

/* Bounds of the descriptor blob handed to hss_usb_open (docs/native-usb.md). */
#define HSS_USB_DESCRIPTORS_MAX 4096
#define HSS_USB_DESCRIPTOR_ENTRIES_MAX 32

/* Fixed values, never reordered: the managed side maps each to the engine's link errors. */
typedef enum hss_usb_status {
    HSS_USB_OK = 0,
    HSS_USB_ERR_ARGUMENT = -1,    /* a null pointer, a zero size, a count over the caller's buffer */
    HSS_USB_ERR_NOT_OPEN = -2,    /* called before open or after close */
    HSS_USB_ERR_LINK_DOWN = -3,   /* write while the host has not configured the function */
    HSS_USB_ERR_LINK_RESET = -4,  /* read: the link went down since this pipe's last read; reported once per pipe */
    HSS_USB_ERR_TOO_LARGE = -5,   /* a command over HSS_USB_COMMAND_MAX, or a read buffer smaller than the packet */
    HSS_USB_ERR_NO_MEMORY = -6,   /* the memory given to open is smaller than hss_usb_memory_size() */
    HSS_USB_ERR_DESCRIPTORS = -7, /* the descriptor blob is malformed or lacks a required descriptor */
    HSS_USB_ERR_PORT = -8         /* the port failed to open an endpoint or start a transfer */
} hss_usb_status_t;

/* Events passed to the port's wake callback (a mask). */
#define HSS_USB_EVENT_COMMAND_READABLE 0x01u
#define HSS_USB_EVENT_DATA_READABLE 0x02u
#define HSS_USB_EVENT_COMMAND_WRITABLE 0x04u
#define HSS_USB_EVENT_DATA_WRITABLE 0x08u
#define HSS_USB_EVENT_LINK_CHANGED 0x10u

typedef enum hss_usb_link_state {
    HSS_USB_LINK_DOWN = 0, /* not configured: after open, bus reset, SET_CONFIGURATION(0), disconnect (a suspend
                              keeps the link up: docs/native-usb.md) */
    HSS_USB_LINK_UP = 1    /* SET_CONFIGURATION(1) */
} hss_usb_link_state_t;

typedef struct hss_usb_config {
    const uint8_t *descriptors;  /* the descriptor blob (docs/native-usb.md); copied at open */
    size_t descriptors_len;
    size_t command_queue_packets; /* command packets queued per direction (each HSS_USB_COMMAND_MAX bytes) */
    size_t data_out_bytes;        /* host-to-device bytes buffered before the bulk OUT endpoint is NAKed */
    size_t data_in_bytes;         /* device-to-host bytes queued before write_data takes no more */
    /* Added: the reference-compatible link sends no zero-length packets (docs/protocol.md section 3). false (the
       zero value) ends a bulk transfer of whole packets with a ZLP, as HssDevice does by default. */
    bool no_zero_length_packets;
} hss_usb_config_t;

struct hss_usb_port;
typedef struct hss_usb hss_usb_t; /* defined in hss_usb_core.h; callers treat it as opaque */

/* Bytes of memory hss_usb_open needs for this configuration (the instance itself included); 0 if invalid. */
size_t hss_usb_memory_size(const hss_usb_config_t *config);

/*
 * Opens the function in `memory` (aligned to 8 bytes, at least hss_usb_memory_size bytes) and returns the
 * instance through `out`. Validates and copies the descriptors, then asks the port to connect (pull-up on).
 */
hss_usb_status_t hss_usb_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                              const struct hss_usb_port *port, void *port_context, hss_usb_t **out);

/* Disconnects, fails what is in flight, and makes every later call return HSS_USB_ERR_NOT_OPEN. */
void hss_usb_close(hss_usb_t *usb);

hss_usb_link_state_t hss_usb_link_state(const hss_usb_t *usb);

/* True in the single-pipe profile (no interrupt endpoints): commands travel on the data pipe. */
bool hss_usb_is_single_pipe(const hss_usb_t *usb);

/*
 * Reads one whole command packet (one interrupt OUT transfer): its length, 0 when none is queued now, or a
 * negative status (HSS_USB_ERR_LINK_RESET once after each link-down). In the single-pipe profile there is no
 * command pipe: read_command and write_command return HSS_USB_ERR_ARGUMENT.
 */
int hss_usb_read_command(hss_usb_t *usb, uint8_t *buffer, size_t capacity);

/* Queues one command packet as one interrupt IN transfer: `length`, 0 when the queue is full now, or a status. */
int hss_usb_write_command(hss_usb_t *usb, const uint8_t *packet, size_t length);

/* Reads up to `capacity` bytes of the bulk OUT stream: the count, 0 when none now, or a status. */
int hss_usb_read_data(hss_usb_t *usb, uint8_t *buffer, size_t capacity);

/*
 * Queues up to `length` bytes of a bulk IN transfer: the count taken (possibly less), 0 when no room now, or a
 * status. The transfer ends after the last byte of a call with `end_of_transfer` whose bytes were all taken: the
 * core then ends it with a short packet, or a zero-length packet when its length is a multiple of wMaxPacketSize
 * (the profile's rule). Bytes of one transfer are never split across two transfers.
 */
int hss_usb_write_data(hss_usb_t *usb, const uint8_t *data, size_t length, bool end_of_transfer);

/* The events that hold now (a mask of HSS_USB_EVENT_*, LINK_CHANGED excluded): what a waiter re-checks. */
uint32_t hss_usb_ready(const hss_usb_t *usb);

#ifdef __cplusplus
}
#endif

#endif /* HSS_USB_H */
