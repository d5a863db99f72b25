/*
 * A port that records every call the core makes, plays the host's side of each endpoint, and checks the lock
 * discipline of hss_usb_port.h: endpoint and connect calls with the lock held, wake without it, no re-entry.
 */
#ifndef FAKE_PORT_H
#define FAKE_PORT_H

#include "hss_usb_core.h"

#define FAKE_CALLS_MAX 512

typedef enum fake_call_kind {
    FAKE_OPEN,
    FAKE_CLOSE,
    FAKE_TRANSFER,
    FAKE_STALL,
    FAKE_CONNECT
} fake_call_kind_t;

typedef struct fake_call {
    fake_call_kind_t kind;
    uint8_t address;
    uint8_t type;
    uint16_t max_packet;
    size_t length;
    bool flag; /* stall: stalled; connect: connected */
} fake_call_t;

typedef struct fake_transfer {
    bool pending;
    uint8_t *buffer;
    size_t length;
} fake_transfer_t;

typedef struct fake_port {
    hss_usb_port_t port;
    hss_usb_t *usb;
    fake_call_t calls[FAKE_CALLS_MAX];
    size_t call_count;
    int lock_depth;
    int lock_violations;   /* a port call without the lock, a wake with it, or the lock taken twice */
    uint32_t woken;        /* every event mask passed to wake, or-ed */
    size_t wake_count;
    bool connected;
    bool open[32];
    bool stalled[32];
    fake_transfer_t transfers[32];
    int fail_open_address; /* endpoint_open of this address returns HSS_USB_ERR_PORT (0: none) */
    int fail_transfers;    /* the next n endpoint_transfer calls return HSS_USB_ERR_PORT */
    bool no_record;        /* long runs: check the lock discipline but keep no call record */
    void *memory;          /* the instance's memory: exactly hss_usb_memory_size bytes (ASan sees overruns) */
} fake_port_t;

/* An index 0..31 for an endpoint address: number, plus 16 for IN. */
size_t fake_slot(uint8_t address);

void fake_port_init(fake_port_t *fake);

/* Closes the instance (if open) and frees its memory. */
void fake_port_free(fake_port_t *fake);

/* Opens an instance over `fake` in static memory with this blob and these sizes; fails the test if open fails. */
hss_usb_t *fake_open(fake_port_t *fake, const uint8_t *blob, size_t blob_len, size_t command_packets,
                     size_t data_out, size_t data_in);

/* SETUP helpers: the control request through the core, as a port would pass it. */
hss_usb_control_result_t fake_setup(fake_port_t *fake, uint8_t request_type, uint8_t request, uint16_t value,
                                    uint16_t index, uint16_t length, const uint8_t **data, size_t *data_length);

/* Bus reset at `speed` then SET_CONFIGURATION(1): the link comes up. */
void fake_enumerate(fake_port_t *fake, hss_usb_speed_t speed);

/* The host sends `length` bytes into the OUT transfer pending on `address` (which must be pending and large
   enough) and the port completes it OK. */
void fake_host_out(fake_port_t *fake, uint8_t address, const uint8_t *data, size_t length);

/* The host takes the IN transfer pending on `address`: copies it out (up to capacity), completes it OK, returns
   its length. */
size_t fake_host_in(fake_port_t *fake, uint8_t address, uint8_t *out, size_t capacity);

/* Completes the pending transfer on `address` with this result and actual count. */
void fake_complete(fake_port_t *fake, uint8_t address, size_t actual, hss_usb_transfer_result_t result);

bool fake_pending(const fake_port_t *fake, uint8_t address);
size_t fake_pending_length(const fake_port_t *fake, uint8_t address);

/* Number of recorded calls of this kind (and address, unless 0xFF). */
size_t fake_count(const fake_port_t *fake, fake_call_kind_t kind, uint8_t address);

#endif /* FAKE_PORT_H */
