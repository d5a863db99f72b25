/*
 * The data pipe: bulk OUT/IN, a byte stream cut into transfers (docs/protocol.md section 3). Both directions are
 * bounded rings. Bulk OUT lands in a staging buffer and is armed only when the ring has room for the whole
 * transfer (a multiple of wMaxPacketSize), so a slow reader NAKs the host instead of losing bytes. Bulk IN keeps
 * transfer boundaries as one bit per byte (set on the last byte of a transfer); a transfer leaves as one or more
 * port transfers of whole packets, the last one ending exactly at the boundary, followed by a zero-length packet
 * when its length is a multiple of wMaxPacketSize (USB 2.0 5.8.3) unless the link sends none.
 */
#include "internal.h"

#include <string.h>

static size_t ring_free(const hss_usb_byte_ring_t *r)
{
    return r->capacity - r->count;
}

static size_t ring_index(const hss_usb_byte_ring_t *r, size_t offset)
{
    return (r->head + offset) % r->capacity;
}

static bool end_bit(const hss_usb_byte_ring_t *r, size_t index)
{
    return (r->ends[index / 8u] & (uint8_t)(1u << (index % 8u))) != 0u;
}

static void set_end_bit(hss_usb_byte_ring_t *r, size_t index, bool value)
{
    uint8_t mask = (uint8_t)(1u << (index % 8u));
    if (value) {
        r->ends[index / 8u] |= mask;
    } else {
        r->ends[index / 8u] &= (uint8_t)~mask;
    }
}

static void ring_put(hss_usb_byte_ring_t *r, const uint8_t *data, size_t length)
{
    size_t at = ring_index(r, r->count);
    size_t first = r->capacity - at;
    if (first > length) {
        first = length;
    }
    memcpy(r->bytes + at, data, first);
    memcpy(r->bytes, data + first, length - first);
    if (r->ends != NULL) {
        for (size_t i = 0; i < length; i++) {
            set_end_bit(r, ring_index(r, r->count + i), false);
        }
    }
    r->count += length;
}

static void ring_peek(const hss_usb_byte_ring_t *r, uint8_t *out, size_t length)
{
    size_t first = r->capacity - r->head;
    if (first > length) {
        first = length;
    }
    memcpy(out, r->bytes + r->head, first);
    memcpy(out + first, r->bytes, length - first);
}

static void ring_drop(hss_usb_byte_ring_t *r, size_t length)
{
    r->head = ring_index(r, length);
    r->count -= length;
    if (r->count == 0u) {
        r->head = 0; /* keeps later transfers contiguous in the common case */
    }
}

void hss_usb_data_reset(hss_usb_t *usb)
{
    usb->data_out.head = 0;
    usb->data_out.count = 0;
    usb->data_in.head = 0;
    usb->data_in.count = 0;
    usb->data_in_open_sent = false;
}

void hss_usb_data_arm_out(hss_usb_t *usb)
{
    hss_usb_endpoint_t *ep = &usb->bulk_out;
    if (!hss_usb_endpoint_idle(usb, ep)) {
        return;
    }
    size_t room = ring_free(&usb->data_out);
    if (room > usb->data_out_stage_size) {
        room = usb->data_out_stage_size;
    }
    size_t length = (room / ep->info.max_packet) * ep->info.max_packet;
    if (length == 0u) {
        usb->stats.data_out_backpressure++; /* NAK the host until the reader makes room for a whole packet */
        return;
    }
    (void)hss_usb_endpoint_start(usb, ep, usb->data_out_stage, length, false);
}

void hss_usb_data_arm_in(hss_usb_t *usb)
{
    hss_usb_endpoint_t *ep = &usb->bulk_in;
    hss_usb_byte_ring_t *r = &usb->data_in;
    if (!hss_usb_endpoint_idle(usb, ep)) {
        return;
    }
    if (ep->zlp_pending) {
        (void)hss_usb_endpoint_start(usb, ep, usb->data_in_stage, 0u, true);
        return;
    }
    size_t window = r->count < usb->data_in_stage_size ? r->count : usb->data_in_stage_size;
    size_t length = 0;
    for (size_t i = 0; i < window; i++) {
        if (end_bit(r, ring_index(r, i))) {
            length = i + 1u; /* the transfer ends here: its last packet may be short */
            break;
        }
    }
    if (length == 0u) {
        /* No end in sight: only whole packets may go, so the host sees no short packet mid-transfer. */
        length = (window / ep->info.max_packet) * ep->info.max_packet;
    }
    if (length == 0u) {
        return; /* nothing, or part of a packet waiting for more bytes or its end */
    }
    ring_peek(r, usb->data_in_stage, length);
    (void)hss_usb_endpoint_start(usb, ep, usb->data_in_stage, length, false);
}

void hss_usb_data_out_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result)
{
    if (result != HSS_USB_TRANSFER_OK) {
        usb->stats.transfers_failed++; /* bytes of a failed transfer are not trusted; the host retries or resets */
    } else if (actual > 0u) {
        ring_put(&usb->data_out, usb->data_out_stage, actual);
        hss_usb_signal(usb, HSS_USB_EVENT_DATA_READABLE);
    }
    hss_usb_data_arm_out(usb);
}

void hss_usb_data_in_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result)
{
    hss_usb_endpoint_t *ep = &usb->bulk_in;
    hss_usb_byte_ring_t *r = &usb->data_in;
    if (ep->zlp) {
        if (result == HSS_USB_TRANSFER_OK) {
            ep->zlp_pending = false;
        } else {
            usb->stats.transfers_failed++;
        }
        hss_usb_data_arm_in(usb);
        return;
    }
    size_t sent = ep->length;
    if (result != HSS_USB_TRANSFER_OK) {
        /* Link still up: what moved is gone, the rest goes again (the port reports `actual` truthfully). */
        usb->stats.transfers_failed++;
        sent = actual;
    }
    if (sent > 0u) {
        bool ends = end_bit(r, ring_index(r, sent - 1u));
        ring_drop(r, sent);
        if (ends) {
            usb->data_in_open_sent = false;
            ep->zlp_pending = usb->zero_length_packets && sent % ep->info.max_packet == 0u;
        } else {
            usb->data_in_open_sent = true;
        }
        hss_usb_signal(usb, HSS_USB_EVENT_DATA_WRITABLE);
    }
    hss_usb_data_arm_in(usb);
}

uint32_t hss_usb_data_ready(const hss_usb_t *usb)
{
    uint32_t events = 0;
    if (usb->data_out.count > 0u || usb->data_reset_pending) {
        events |= HSS_USB_EVENT_DATA_READABLE;
    }
    if (usb->link == HSS_USB_LINK_UP && ring_free(&usb->data_in) > 0u) {
        events |= HSS_USB_EVENT_DATA_WRITABLE;
    }
    return events;
}

int hss_usb_read_data(hss_usb_t *usb, uint8_t *buffer, size_t capacity)
{
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    if (buffer == NULL || capacity == 0u) {
        return HSS_USB_ERR_ARGUMENT;
    }
    hss_usb_enter(usb);
    int result;
    hss_usb_byte_ring_t *r = &usb->data_out;
    if (!hss_usb_is_open(usb)) {
        result = HSS_USB_ERR_NOT_OPEN;
    } else if (usb->data_reset_pending) {
        usb->data_reset_pending = false;
        result = HSS_USB_ERR_LINK_RESET;
    } else {
        size_t length = r->count < capacity ? r->count : capacity;
        ring_peek(r, buffer, length);
        ring_drop(r, length);
        result = (int)length; /* the ring is at most HSS_USB_DATA_BUFFER_MAX bytes */
        if (length > 0u) {
            hss_usb_data_arm_out(usb);
        }
    }
    hss_usb_leave(usb);
    return result;
}

/* An end with no bytes: marks the last queued byte, or sends a ZLP for a transfer whose bytes all went out. */
static void end_transfer_now(hss_usb_t *usb)
{
    hss_usb_byte_ring_t *r = &usb->data_in;
    if (r->count > 0u) {
        set_end_bit(r, ring_index(r, r->count - 1u), true);
    } else if (usb->data_in_open_sent) {
        usb->data_in_open_sent = false;
        /* Every byte went out as whole packets: the transfer's length is a multiple of wMaxPacketSize. */
        usb->bulk_in.zlp_pending = usb->zero_length_packets;
    }
}

int hss_usb_write_data(hss_usb_t *usb, const uint8_t *data, size_t length, bool end_of_transfer)
{
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    if (data == NULL && length > 0u) {
        return HSS_USB_ERR_ARGUMENT;
    }
    hss_usb_enter(usb);
    int result;
    hss_usb_byte_ring_t *r = &usb->data_in;
    if (!hss_usb_is_open(usb)) {
        result = HSS_USB_ERR_NOT_OPEN;
    } else if (usb->link != HSS_USB_LINK_UP) {
        result = HSS_USB_ERR_LINK_DOWN;
    } else {
        size_t taken = ring_free(r) < length ? ring_free(r) : length;
        if (taken > 0u) {
            ring_put(r, data, taken);
        }
        if (end_of_transfer && taken == length) {
            end_transfer_now(usb);
        }
        result = (int)taken;
        hss_usb_data_arm_in(usb);
    }
    hss_usb_leave(usb);
    return result;
}
