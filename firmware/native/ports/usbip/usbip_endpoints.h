/*
 * The USB/IP port's endpoints: the host's URBs (from CMD_SUBMIT) queued per endpoint and matched with the
 * transfers the core arms, packet by packet, as a device controller would move them:
 *   IN:  the armed transfer leaves as max-packet-sized packets (its last one short, or a zero-length packet when
 *        the core armed one); an URB completes on a short packet or when its buffer is full, so one URB may hold
 *        the end of one transfer and nothing of the next.
 *   OUT: the URB's bytes arrive as packets (a short last one, or a zero-length packet for an empty URB or one
 *        flagged URB_ZERO_PACKET); the armed transfer completes on a short packet or when its buffer is full; the
 *        URB completes when the device has taken all of it. No armed transfer: the URB waits (the device NAKs).
 * Pure logic under the caller's lock, no I/O: the caller sends RET_SUBMITs and reports transfer completions to the
 * core from the completion list a step returns. Everything is bounded: URBs in flight, bytes they hold, lengths.
 */
#ifndef USBIP_ENDPOINTS_H
#define USBIP_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hss_usb_port.h"

#define USBIP_ENDPOINTS_MAX 4u
#define USBIP_URBS_MAX 128u                      /* URBs submitted and not answered, per connection */
#define USBIP_TRANSFER_MAX (1024u * 1024u)       /* largest transfer_buffer_length accepted */
#define USBIP_URB_BYTES_MAX (16u * 1024u * 1024u) /* bytes all URBs in flight may hold together */

typedef struct usbip_urb {
    struct usbip_urb *next;
    uint32_t seqnum;
    uint8_t address;
    bool in_use;
    bool zero_packet; /* OUT: a zero-length packet still follows the data */
    bool started;     /* OUT: its first packet (possibly zero-length) was delivered */
    uint8_t *data;    /* OUT: the payload; IN: the buffer being filled */
    size_t length;
    size_t done;
} usbip_urb_t;

typedef struct usbip_endpoint {
    uint8_t address; /* 0: slot unused */
    uint8_t type;
    uint16_t max_packet;
    bool open;
    bool halted;
    /* The transfer the core armed: its buffer stays the core's until the completion is reported. */
    bool armed;
    uint8_t *buffer;
    size_t length;
    size_t done;
    /* Queued URBs, oldest first. */
    usbip_urb_t *head;
    usbip_urb_t *tail;
    /* IN: whole packets an unlinked URB had already taken from the device; the next URB gets them first. */
    uint8_t *carry;
    size_t carry_length;
    size_t carry_offset;
} usbip_endpoint_t;

typedef enum usbip_done_kind {
    USBIP_DONE_URB = 0,     /* answer the URB (RET_SUBMIT with status, actual, and the data of an IN URB), free it */
    USBIP_DONE_TRANSFER = 1 /* report hss_usb_port_transfer_complete(address, actual, result) */
} usbip_done_kind_t;

typedef struct usbip_done {
    usbip_done_kind_t kind;
    usbip_urb_t *urb;
    int32_t status;
    size_t actual;
    uint8_t address;
    hss_usb_transfer_result_t result;
} usbip_done_t;

typedef struct usbip_endpoints {
    usbip_endpoint_t endpoints[USBIP_ENDPOINTS_MAX];
    usbip_urb_t urbs[USBIP_URBS_MAX];
    size_t urbs_in_flight;
    size_t urb_bytes;
    /* Limits hit and oddities, for the log. */
    size_t overflows;
} usbip_endpoints_t;

typedef enum usbip_submit_result {
    USBIP_SUBMIT_QUEUED = 0,
    USBIP_SUBMIT_STALLED = 1,   /* no such endpoint open, or halted: answer -EPIPE now (URB freed) */
    USBIP_SUBMIT_TOO_MANY = 2,  /* over USBIP_URBS_MAX or USBIP_URB_BYTES_MAX: a misbehaving client */
    USBIP_SUBMIT_DUPLICATE = 3, /* that seqnum is in flight already */
    USBIP_SUBMIT_NO_MEMORY = 4
} usbip_submit_result_t;

void usbip_endpoints_init(usbip_endpoints_t *e);

/* Drops every URB (no answer: the import ended) and carry; endpoints stay as the core left them. */
void usbip_endpoints_clear_urbs(usbip_endpoints_t *e);

/* The port functions the core calls (under the caller's lock). */
int usbip_endpoints_open(usbip_endpoints_t *e, uint8_t address, uint8_t type, uint16_t max_packet);
void usbip_endpoints_close(usbip_endpoints_t *e, uint8_t address);
int usbip_endpoints_arm(usbip_endpoints_t *e, uint8_t address, uint8_t *buffer, size_t length);
/* Halting answers every queued URB of the endpoint -EPIPE (through `done`, at most `capacity`); returns the count. */
size_t usbip_endpoints_stall(usbip_endpoints_t *e, uint8_t address, bool stalled, usbip_done_t *done, size_t capacity);

/*
 * A CMD_SUBMIT for a data endpoint. Allocates the URB (its buffer of `length` bytes) and returns it through *out
 * for the caller to fill with the OUT payload before usbip_endpoints_enqueue; *out is NULL unless QUEUED.
 */
usbip_submit_result_t usbip_endpoints_new_urb(usbip_endpoints_t *e, uint32_t seqnum, uint8_t address, size_t length,
                                              uint32_t transfer_flags, usbip_urb_t **out);
/* Queues a URB from new_urb; STALLED when its endpoint is not open or halted (the URB is freed then). */
usbip_submit_result_t usbip_endpoints_enqueue(usbip_endpoints_t *e, usbip_urb_t *urb);
void usbip_endpoints_free_urb(usbip_endpoints_t *e, usbip_urb_t *urb);

/* CMD_UNLINK: true when the URB was queued (it is removed and freed; answer -ECONNRESET), false when unknown. */
bool usbip_endpoints_unlink(usbip_endpoints_t *e, uint32_t seqnum);

/* Moves bytes between queued URBs and armed transfers; returns the completions (at most `capacity`). */
size_t usbip_endpoints_step(usbip_endpoints_t *e, usbip_done_t *done, size_t capacity);

#endif /* USBIP_ENDPOINTS_H */
