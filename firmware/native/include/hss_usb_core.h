/*
 * HssDevice native USB function: the instance (struct hss_usb) and the core's own limits. Ports and bindings
 * include this only to size static memory; its fields are the core files', read through the API.
 *
 * The instance lives at the start of the memory given to hss_usb_open; the buffers it points to follow it in the
 * same memory (hss_usb_memory_size adds them up). Nothing is allocated anywhere.
 */
#ifndef HSS_USB_CORE_H
#define HSS_USB_CORE_H

#include "hss_usb.h"
#include "hss_usb_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest bulk transfer the core starts at once (a multiple of every bulk wMaxPacketSize: 8..64 and 512). */
#define HSS_USB_DATA_CHUNK_MAX 4096u

/* Bounds of hss_usb_config_t: keep every size sum far from overflow on a 32-bit target. */
#define HSS_USB_COMMAND_QUEUE_MAX 1024u
#define HSS_USB_DATA_BUFFER_MAX (16u * 1024u * 1024u)

/* Interfaces one configuration may declare (vendor profile 1, CDC profile 2). */
#define HSS_USB_INTERFACES_MAX 4u

/* The MS OS 2.0 descriptor set's entry type in the blob, and the wIndex of its vendor request. */
#define HSS_USB_BLOB_MS_OS_20 0xF0u
#define HSS_USB_MS_OS_20_DESCRIPTOR_INDEX 7u

/* Blob entry speeds (docs/native-usb.md). */
#define HSS_USB_BLOB_SPEED_ANY 0u
#define HSS_USB_BLOB_SPEED_FULL 1u
#define HSS_USB_BLOB_SPEED_HIGH 2u

/* One descriptor of the blob: where its bytes are in the instance's copy. */
typedef struct hss_usb_blob_entry {
    uint8_t type;
    uint8_t index;
    uint8_t speed;
    uint16_t language_id;
    uint16_t offset; /* of the descriptor bytes, from the start of the blob */
    uint16_t length;
} hss_usb_blob_entry_t;

typedef struct hss_usb_blob {
    const uint8_t *bytes;
    size_t length;
    size_t entry_count;
    hss_usb_blob_entry_t entries[HSS_USB_DESCRIPTOR_ENTRIES_MAX];
} hss_usb_blob_t;

typedef struct hss_usb_endpoint_info {
    uint8_t address; /* 0 when the configuration has no such endpoint */
    uint8_t type;    /* HSS_USB_EP_BULK or HSS_USB_EP_INTERRUPT */
    uint16_t max_packet;
} hss_usb_endpoint_info_t;

/* What one configuration descriptor (of one operating speed) declares. */
typedef struct hss_usb_layout {
    bool present;
    uint8_t configuration_value;
    uint8_t attributes; /* bmAttributes: bit 6 self-powered */
    uint8_t interface_count;
    uint8_t interfaces[HSS_USB_INTERFACES_MAX];
    bool single_pipe; /* no interrupt endpoints */
    hss_usb_endpoint_info_t bulk_in;
    hss_usb_endpoint_info_t bulk_out;
    hss_usb_endpoint_info_t interrupt_in;
    hss_usb_endpoint_info_t interrupt_out;
} hss_usb_layout_t;

/* One endpoint while the link is up. */
typedef struct hss_usb_endpoint {
    hss_usb_endpoint_info_t info;
    bool open;
    bool halted;
    bool busy;       /* a transfer is in flight (the port owns its buffer) */
    size_t length;     /* of the transfer in flight */
    bool zlp;          /* the transfer in flight is a zero-length packet ending a transfer */
    bool zlp_pending;  /* IN: the last transfer ended on a packet boundary, a zero-length packet must follow */
} hss_usb_endpoint_t;

/* Command packets, one per slot of HSS_USB_COMMAND_MAX bytes: a bounded FIFO. */
typedef struct hss_usb_command_queue {
    uint8_t *slots;
    uint8_t *lengths;
    size_t capacity;
    size_t head;
    size_t count;
} hss_usb_command_queue_t;

/* Bytes of a bulk stream: a bounded ring; `ends` (IN only) marks the last byte of each transfer, one bit a byte. */
typedef struct hss_usb_byte_ring {
    uint8_t *bytes;
    uint8_t *ends;
    size_t capacity;
    size_t head;
    size_t count;
} hss_usb_byte_ring_t;

/* Limits hit and oddities seen, so a port or binding can log them (hss_usb_stats). */
typedef struct hss_usb_stats {
    uint32_t control_stalls;          /* control requests answered with STALL */
    uint32_t data_out_backpressure;   /* times bulk OUT was left unarmed for want of room */
    uint32_t command_out_backpressure; /* times interrupt OUT was left unarmed: command queue full */
    uint32_t commands_dropped;        /* interrupt OUT transfers that were empty, too long or failed */
    uint32_t transfers_failed;        /* completions with FAILED or CANCELLED while the link was up */
    uint32_t completions_ignored;     /* completions for no transfer in flight (stale, after link-down) */
    uint32_t port_errors;             /* endpoint_open / endpoint_transfer returned an error */
    uint32_t link_resets;             /* times the link went from up to down */
} hss_usb_stats_t;

struct hss_usb {
    uint32_t magic; /* HSS_USB_MAGIC while open */
    const hss_usb_port_t *port;
    void *port_context;
    uint32_t pending_events; /* collected under the lock, passed to wake after it */

    hss_usb_blob_t blob;
    hss_usb_layout_t layouts[2]; /* by hss_usb_speed_t */
    bool zero_length_packets;

    hss_usb_speed_t speed;
    bool suspended;
    uint8_t configuration; /* 0: not configured */
    hss_usb_link_state_t link;
    bool command_reset_pending;
    bool data_reset_pending;

    hss_usb_endpoint_t bulk_in;
    hss_usb_endpoint_t bulk_out;
    hss_usb_endpoint_t interrupt_in;
    hss_usb_endpoint_t interrupt_out;

    hss_usb_command_queue_t command_out;
    hss_usb_command_queue_t command_in;
    hss_usb_byte_ring_t data_out;
    hss_usb_byte_ring_t data_in;
    uint8_t *data_out_stage; /* bulk OUT transfers land here, then move to data_out */
    size_t data_out_stage_size;
    uint8_t *data_in_stage;  /* bulk IN transfers leave from here */
    size_t data_in_stage_size;
    bool data_in_open_sent; /* bytes of a transfer not yet ended went out: its end may need a ZLP alone */

    uint8_t control_reply[2];
    hss_usb_stats_t stats;
};

/* Counters of limits hit (a snapshot, taken under the lock); HSS_USB_ERR_NOT_OPEN after close. */
hss_usb_status_t hss_usb_stats(hss_usb_t *usb, hss_usb_stats_t *out);

/* True while the bus is suspended (the link stays up: docs/native-usb.md). */
bool hss_usb_is_suspended(const hss_usb_t *usb);

#ifdef __cplusplus
}
#endif

#endif /* HSS_USB_CORE_H */
