/* URB queues matched with the core's transfers: see usbip_endpoints.h. */
#include "usbip_endpoints.h"

#include <stdlib.h>
#include <string.h>

#include "usbip_wire.h"

void usbip_endpoints_init(usbip_endpoints_t *e)
{
    memset(e, 0, sizeof(*e));
}

static usbip_endpoint_t *find(usbip_endpoints_t *e, uint8_t address)
{
    for (size_t i = 0; i < USBIP_ENDPOINTS_MAX; i++) {
        if (e->endpoints[i].address == address && address != 0u) {
            return &e->endpoints[i];
        }
    }
    return NULL;
}

static void drop_carry(usbip_endpoint_t *ep)
{
    free(ep->carry);
    ep->carry = NULL;
    ep->carry_length = 0;
    ep->carry_offset = 0;
}

void usbip_endpoints_free_urb(usbip_endpoints_t *e, usbip_urb_t *urb)
{
    if (urb == NULL || !urb->in_use) {
        return;
    }
    e->urb_bytes -= urb->length;
    e->urbs_in_flight--;
    free(urb->data);
    memset(urb, 0, sizeof(*urb));
}

void usbip_endpoints_clear_urbs(usbip_endpoints_t *e)
{
    for (size_t i = 0; i < USBIP_ENDPOINTS_MAX; i++) {
        e->endpoints[i].head = NULL;
        e->endpoints[i].tail = NULL;
        drop_carry(&e->endpoints[i]);
    }
    for (size_t i = 0; i < USBIP_URBS_MAX; i++) {
        usbip_endpoints_free_urb(e, &e->urbs[i]);
    }
}

int usbip_endpoints_open(usbip_endpoints_t *e, uint8_t address, uint8_t type, uint16_t max_packet)
{
    if (address == 0u || (address & 0x70u) != 0u || max_packet == 0u || max_packet > 1024u) {
        return -1;
    }
    usbip_endpoint_t *ep = find(e, address);
    if (ep == NULL) {
        for (size_t i = 0; i < USBIP_ENDPOINTS_MAX && ep == NULL; i++) {
            if (e->endpoints[i].address == 0u) {
                ep = &e->endpoints[i];
            }
        }
        if (ep == NULL) {
            return -1;
        }
        ep->address = address;
    }
    ep->type = type;
    ep->max_packet = max_packet;
    ep->open = true;
    ep->halted = false;
    ep->armed = false;
    return 0;
}

void usbip_endpoints_close(usbip_endpoints_t *e, uint8_t address)
{
    usbip_endpoint_t *ep = find(e, address);
    if (ep != NULL) {
        /* The core forgets the transfer itself (a late completion would be ignored): none is reported. URBs stay
         * queued, NAKed, until the endpoint opens again or the host unlinks them. */
        ep->open = false;
        ep->armed = false;
        ep->buffer = NULL;
        drop_carry(ep);
    }
}

int usbip_endpoints_arm(usbip_endpoints_t *e, uint8_t address, uint8_t *buffer, size_t length)
{
    usbip_endpoint_t *ep = find(e, address);
    if (ep == NULL || !ep->open || ep->armed || (buffer == NULL && length > 0u)) {
        return -1;
    }
    /* OUT transfers receive whole packets: the core asks for a multiple of the packet size. */
    if ((address & 0x80u) == 0u && (length == 0u || length % ep->max_packet != 0u)) {
        return -1;
    }
    ep->armed = true;
    ep->buffer = buffer;
    ep->length = length;
    ep->done = 0;
    return 0;
}

static size_t answer_all(usbip_endpoints_t *e, usbip_endpoint_t *ep, int32_t status, usbip_done_t *done,
                         size_t capacity)
{
    size_t count = 0;
    while (ep->head != NULL && count < capacity) {
        usbip_urb_t *urb = ep->head;
        ep->head = urb->next;
        if (ep->head == NULL) {
            ep->tail = NULL;
        }
        urb->next = NULL;
        done[count].kind = USBIP_DONE_URB;
        done[count].urb = urb;
        done[count].status = status;
        done[count].actual = 0;
        count++;
    }
    (void)e;
    return count;
}

size_t usbip_endpoints_stall(usbip_endpoints_t *e, uint8_t address, bool stalled, usbip_done_t *done, size_t capacity)
{
    usbip_endpoint_t *ep = find(e, address);
    if (ep == NULL) {
        return 0;
    }
    ep->halted = stalled;
    return stalled ? answer_all(e, ep, USBIP_EPIPE, done, capacity) : 0u;
}

static usbip_urb_t *find_urb(usbip_endpoints_t *e, uint32_t seqnum)
{
    for (size_t i = 0; i < USBIP_URBS_MAX; i++) {
        if (e->urbs[i].in_use && e->urbs[i].seqnum == seqnum) {
            return &e->urbs[i];
        }
    }
    return NULL;
}

usbip_submit_result_t usbip_endpoints_new_urb(usbip_endpoints_t *e, uint32_t seqnum, uint8_t address, size_t length,
                                              uint32_t transfer_flags, usbip_urb_t **out)
{
    *out = NULL;
    if (find_urb(e, seqnum) != NULL) {
        return USBIP_SUBMIT_DUPLICATE;
    }
    if (e->urbs_in_flight >= USBIP_URBS_MAX || length > USBIP_TRANSFER_MAX ||
        e->urb_bytes + length > USBIP_URB_BYTES_MAX) {
        return USBIP_SUBMIT_TOO_MANY;
    }
    usbip_urb_t *urb = NULL;
    for (size_t i = 0; i < USBIP_URBS_MAX && urb == NULL; i++) {
        if (!e->urbs[i].in_use) {
            urb = &e->urbs[i];
        }
    }
    if (urb == NULL) {
        return USBIP_SUBMIT_TOO_MANY;
    }
    uint8_t *data = NULL;
    if (length > 0u) {
        data = malloc(length);
        if (data == NULL) {
            return USBIP_SUBMIT_NO_MEMORY;
        }
    }
    memset(urb, 0, sizeof(*urb));
    urb->in_use = true;
    urb->seqnum = seqnum;
    urb->address = address;
    urb->data = data;
    urb->length = length;
    urb->zero_packet = (address & 0x80u) == 0u && (transfer_flags & USBIP_URB_ZERO_PACKET) != 0u && length > 0u;
    e->urbs_in_flight++;
    e->urb_bytes += length;
    *out = urb;
    return USBIP_SUBMIT_QUEUED;
}

usbip_submit_result_t usbip_endpoints_enqueue(usbip_endpoints_t *e, usbip_urb_t *urb)
{
    usbip_endpoint_t *ep = find(e, urb->address);
    if (ep == NULL || !ep->open || ep->halted) {
        usbip_endpoints_free_urb(e, urb);
        return USBIP_SUBMIT_STALLED;
    }
    /* The zero-length-packet flag matters only when the data ends on a packet boundary. */
    if (urb->zero_packet && urb->length % ep->max_packet != 0u) {
        urb->zero_packet = false;
    }
    urb->next = NULL;
    if (ep->tail == NULL) {
        ep->head = urb;
    } else {
        ep->tail->next = urb;
    }
    ep->tail = urb;
    return USBIP_SUBMIT_QUEUED;
}

bool usbip_endpoints_unlink(usbip_endpoints_t *e, uint32_t seqnum)
{
    usbip_urb_t *urb = find_urb(e, seqnum);
    if (urb == NULL) {
        return false;
    }
    usbip_endpoint_t *ep = find(e, urb->address);
    if (ep != NULL) {
        usbip_urb_t **link = &ep->head;
        usbip_urb_t *previous = NULL;
        while (*link != NULL && *link != urb) {
            previous = *link;
            link = &(*link)->next;
        }
        if (*link == urb) {
            *link = urb->next;
            if (ep->tail == urb) {
                ep->tail = previous;
            }
        }
        if ((urb->address & 0x80u) != 0u && urb->done > 0u) {
            /* Packets this URB took left the device's FIFO: the next URB gets them, none is lost. A partly filled
             * URB exists only once the carry is used up, so the carry is empty here. */
            drop_carry(ep);
            ep->carry = urb->data;
            ep->carry_length = urb->done;
            urb->data = NULL;
        }
    }
    usbip_endpoints_free_urb(e, urb);
    return true;
}

static void pop(usbip_endpoint_t *ep)
{
    usbip_urb_t *urb = ep->head;
    ep->head = urb->next;
    if (ep->head == NULL) {
        ep->tail = NULL;
    }
    urb->next = NULL;
}

static void urb_done(usbip_endpoint_t *ep, usbip_done_t *d, int32_t status)
{
    usbip_urb_t *urb = ep->head;
    pop(ep);
    d->kind = USBIP_DONE_URB;
    d->urb = urb;
    d->status = status;
    d->actual = urb->done;
}

static void transfer_done(usbip_endpoint_t *ep, usbip_done_t *d)
{
    ep->armed = false;
    ep->buffer = NULL;
    d->kind = USBIP_DONE_TRANSFER;
    d->urb = NULL;
    d->address = ep->address;
    d->actual = ep->done;
    d->result = HSS_USB_TRANSFER_OK;
    d->status = 0;
}

/* One step of an IN endpoint: one packet (or carried bytes); at most two completions. */
static size_t step_in(usbip_endpoints_t *e, usbip_endpoint_t *ep, usbip_done_t *done)
{
    usbip_urb_t *urb = ep->head;
    size_t room = urb->length - urb->done;
    if (urb->length == 0u) {
        urb_done(ep, &done[0], 0);
        return 1;
    }
    if (ep->carry != NULL) {
        size_t take = ep->carry_length - ep->carry_offset;
        take = take < room ? take : room;
        memcpy(urb->data + urb->done, ep->carry + ep->carry_offset, take);
        urb->done += take;
        ep->carry_offset += take;
        if (ep->carry_offset == ep->carry_length) {
            drop_carry(ep);
        }
        if (urb->done == urb->length) {
            urb_done(ep, &done[0], 0);
            return 1;
        }
        return 0;
    }
    if (!ep->armed) {
        return 0;
    }
    size_t packet = ep->length - ep->done;
    packet = packet < ep->max_packet ? packet : ep->max_packet;
    if (packet > room) {
        /* The host's buffer ends inside a packet: babble on a real bus. The packet stays for the next URB. */
        e->overflows++;
        urb_done(ep, &done[0], USBIP_EOVERFLOW);
        return 1;
    }
    if (packet > 0u) { /* a zero-length packet may come with no buffer at all */
        memcpy(urb->data + urb->done, ep->buffer + ep->done, packet);
    }
    urb->done += packet;
    ep->done += packet;
    size_t count = 0;
    if (ep->done == ep->length) {
        /* Every packet of it left (a zero-length transfer is its one empty packet). */
        transfer_done(ep, &done[count++]);
    }
    if (packet < ep->max_packet || urb->done == urb->length) {
        urb_done(ep, &done[count++], 0);
    }
    return count;
}

/* One step of an OUT endpoint: one packet of the head URB into the armed transfer; at most two completions. */
static size_t step_out(usbip_endpoint_t *ep, usbip_done_t *done)
{
    usbip_urb_t *urb = ep->head;
    size_t count = 0;
    if (urb->started && urb->done == urb->length && !urb->zero_packet) {
        urb_done(ep, &done[0], 0);
        done[0].actual = urb->length;
        return 1;
    }
    if (!ep->armed) {
        return 0;
    }
    size_t packet = urb->length - urb->done;
    packet = packet < ep->max_packet ? packet : ep->max_packet;
    if (packet == 0u) {
        urb->zero_packet = false; /* the zero-length packet (of an empty URB, or after full packets) */
    }
    /* arm() takes only multiples of the packet size, so a packet always fits. */
    if (packet > 0u) { /* an empty URB has no data buffer */
        memcpy(ep->buffer + ep->done, urb->data + urb->done, packet);
    }
    urb->done += packet;
    urb->started = true;
    ep->done += packet;
    if (packet < ep->max_packet || ep->done == ep->length) {
        transfer_done(ep, &done[count++]);
    }
    if (urb->done == urb->length && !urb->zero_packet) {
        urb_done(ep, &done[count], 0);
        done[count].actual = urb->length;
        count++;
    }
    return count;
}

size_t usbip_endpoints_step(usbip_endpoints_t *e, usbip_done_t *done, size_t capacity)
{
    size_t count = 0;
    bool moved = true;
    while (moved && count + 2u <= capacity) {
        moved = false;
        for (size_t i = 0; i < USBIP_ENDPOINTS_MAX && count + 2u <= capacity; i++) {
            usbip_endpoint_t *ep = &e->endpoints[i];
            if (ep->address == 0u || !ep->open || ep->head == NULL) {
                continue;
            }
            size_t before_done = ep->head->done;
            bool before_armed = ep->armed;
            size_t before_carry = ep->carry_offset;
            size_t n = (ep->address & 0x80u) != 0u ? step_in(e, ep, &done[count]) : step_out(ep, &done[count]);
            count += n;
            if (n > 0u || (ep->head != NULL && ep->head->done != before_done) || ep->armed != before_armed ||
                ep->carry_offset != before_carry) {
                moved = true;
            }
        }
    }
    return count;
}
