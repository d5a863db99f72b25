/*
 * The command pipe: interrupt OUT/IN, one HSS command packet (at most HSS_USB_COMMAND_MAX bytes) per transfer
 * (docs/protocol.md section 3). Each direction is a bounded queue of packet slots; interrupt OUT transfers land
 * straight in the next free slot and interrupt IN transfers leave straight from the oldest one.
 */
#include "internal.h"

#include <string.h>

static uint8_t *slot(const hss_usb_command_queue_t *q, size_t index)
{
    return q->slots + (index * HSS_USB_COMMAND_MAX);
}

static size_t tail(const hss_usb_command_queue_t *q)
{
    return (q->head + q->count) % q->capacity;
}

static void pop(hss_usb_command_queue_t *q)
{
    q->head = (q->head + 1u) % q->capacity;
    q->count--;
}

void hss_usb_command_reset(hss_usb_t *usb)
{
    usb->command_out.head = 0;
    usb->command_out.count = 0;
    usb->command_in.head = 0;
    usb->command_in.count = 0;
}

void hss_usb_command_arm_out(hss_usb_t *usb)
{
    hss_usb_endpoint_t *ep = &usb->interrupt_out;
    if (!hss_usb_endpoint_idle(usb, ep)) {
        return;
    }
    hss_usb_command_queue_t *q = &usb->command_out;
    if (q->count == q->capacity) {
        usb->stats.command_out_backpressure++; /* the host's commands wait (NAK) until one is read */
        return;
    }
    /* A whole number of packets that holds the largest command (the interrupt packet is 8..64 bytes). */
    size_t length = (HSS_USB_COMMAND_MAX / ep->info.max_packet) * ep->info.max_packet;
    (void)hss_usb_endpoint_start(usb, ep, slot(q, tail(q)), length, false);
}

void hss_usb_command_arm_in(hss_usb_t *usb)
{
    hss_usb_endpoint_t *ep = &usb->interrupt_in;
    if (!hss_usb_endpoint_idle(usb, ep)) {
        return;
    }
    if (ep->zlp_pending) {
        (void)hss_usb_endpoint_start(usb, ep, usb->control_reply, 0u, true);
        return;
    }
    hss_usb_command_queue_t *q = &usb->command_in;
    if (q->count == 0u) {
        return; /* armed only when a command is queued: the host is NAKed meanwhile */
    }
    (void)hss_usb_endpoint_start(usb, ep, slot(q, q->head), q->lengths[q->head], false);
}

void hss_usb_command_out_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result)
{
    hss_usb_command_queue_t *q = &usb->command_out;
    if (result != HSS_USB_TRANSFER_OK) {
        usb->stats.transfers_failed++;
        usb->stats.commands_dropped++; /* part of a command is no command */
    } else if (actual == 0u || actual > HSS_USB_COMMAND_MAX) {
        usb->stats.commands_dropped++;
    } else {
        q->lengths[tail(q)] = (uint8_t)actual;
        q->count++;
        hss_usb_signal(usb, HSS_USB_EVENT_COMMAND_READABLE);
    }
    hss_usb_command_arm_out(usb);
}

void hss_usb_command_in_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result)
{
    hss_usb_endpoint_t *ep = &usb->interrupt_in;
    hss_usb_command_queue_t *q = &usb->command_in;
    if (result != HSS_USB_TRANSFER_OK) {
        /* The link is still up (link-down discards instead): the same packet goes again. */
        usb->stats.transfers_failed++;
    } else if (ep->zlp) {
        ep->zlp_pending = false;
    } else {
        (void)actual;
        size_t length = q->lengths[q->head];
        pop(q);
        /* The host reads a command with a buffer of HSS_USB_COMMAND_MAX: a shorter transfer of whole packets
           needs a zero-length packet to end it (USB 2.0 5.7.3). */
        ep->zlp_pending = usb->zero_length_packets && length < HSS_USB_COMMAND_MAX &&
                          length % ep->info.max_packet == 0u;
        hss_usb_signal(usb, HSS_USB_EVENT_COMMAND_WRITABLE);
    }
    hss_usb_command_arm_in(usb);
}

uint32_t hss_usb_command_ready(const hss_usb_t *usb)
{
    uint32_t events = 0;
    if (usb->command_out.count > 0u || usb->command_reset_pending) {
        events |= HSS_USB_EVENT_COMMAND_READABLE;
    }
    if (usb->link == HSS_USB_LINK_UP && usb->command_in.count < usb->command_in.capacity) {
        events |= HSS_USB_EVENT_COMMAND_WRITABLE;
    }
    return events;
}

static bool single_pipe(const hss_usb_t *usb)
{
    return usb->layouts[HSS_USB_SPEED_FULL].single_pipe;
}

int hss_usb_read_command(hss_usb_t *usb, uint8_t *buffer, size_t capacity)
{
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    if (buffer == NULL || capacity == 0u) {
        return HSS_USB_ERR_ARGUMENT;
    }
    hss_usb_enter(usb);
    int result;
    hss_usb_command_queue_t *q = &usb->command_out;
    if (!hss_usb_is_open(usb)) {
        result = HSS_USB_ERR_NOT_OPEN;
    } else if (single_pipe(usb)) {
        result = HSS_USB_ERR_ARGUMENT; /* no command pipe: commands travel on the data pipe */
    } else if (usb->command_reset_pending) {
        usb->command_reset_pending = false;
        result = HSS_USB_ERR_LINK_RESET;
    } else if (q->count == 0u) {
        result = 0;
    } else if (capacity < q->lengths[q->head]) {
        result = HSS_USB_ERR_TOO_LARGE; /* the packet stays queued for a larger buffer */
    } else {
        size_t length = q->lengths[q->head];
        memcpy(buffer, slot(q, q->head), length);
        pop(q);
        result = (int)length;
        hss_usb_command_arm_out(usb);
    }
    hss_usb_leave(usb);
    return result;
}

int hss_usb_write_command(hss_usb_t *usb, const uint8_t *packet, size_t length)
{
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    if (packet == NULL || length == 0u) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (length > HSS_USB_COMMAND_MAX) {
        return HSS_USB_ERR_TOO_LARGE;
    }
    hss_usb_enter(usb);
    int result;
    hss_usb_command_queue_t *q = &usb->command_in;
    if (!hss_usb_is_open(usb)) {
        result = HSS_USB_ERR_NOT_OPEN;
    } else if (single_pipe(usb)) {
        result = HSS_USB_ERR_ARGUMENT;
    } else if (usb->link != HSS_USB_LINK_UP) {
        result = HSS_USB_ERR_LINK_DOWN;
    } else if (q->count == q->capacity) {
        result = 0;
    } else {
        size_t at = tail(q);
        memcpy(slot(q, at), packet, length);
        q->lengths[at] = (uint8_t)length;
        q->count++;
        result = (int)length;
        hss_usb_command_arm_in(usb);
    }
    hss_usb_leave(usb);
    return result;
}
