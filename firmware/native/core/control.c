/*
 * Requests on endpoint 0: the standard requests of USB 2.0 chapter 9 the function needs (9.4) and the MS OS 2.0
 * vendor request (MS OS 2.0 spec section 8); anything else is a request error (STALL, USB 2.0 9.2.7). Descriptor
 * answers are the blob's bytes, capped at wLength (9.4.3: the device returns at most wLength bytes).
 */
#include "blob.h"
#include "internal.h"

/* bmRequestType (USB 2.0 table 9-2). */
#define DIR_IN 0x80u
#define TYPE_MASK 0x60u
#define TYPE_STANDARD 0x00u
#define TYPE_VENDOR 0x40u
#define RECIPIENT_MASK 0x1Fu
#define RECIPIENT_DEVICE 0x00u
#define RECIPIENT_INTERFACE 0x01u
#define RECIPIENT_ENDPOINT 0x02u

/* bRequest (USB 2.0 table 9-4). */
#define REQ_GET_STATUS 0u
#define REQ_CLEAR_FEATURE 1u
#define REQ_SET_FEATURE 3u
#define REQ_SET_ADDRESS 5u
#define REQ_GET_DESCRIPTOR 6u
#define REQ_GET_CONFIGURATION 8u
#define REQ_SET_CONFIGURATION 9u
#define REQ_GET_INTERFACE 10u
#define REQ_SET_INTERFACE 11u

#define FEATURE_ENDPOINT_HALT 0u

typedef struct setup {
    uint8_t request_type;
    uint8_t request;
    uint16_t value;
    uint16_t index;
    uint16_t length;
} setup_t;

typedef struct reply {
    const uint8_t **data;
    size_t *length;
    size_t cap; /* wLength */
} reply_t;

static hss_usb_control_result_t send(const reply_t *reply, const uint8_t *data, size_t length)
{
    if (reply->cap == 0u) {
        return HSS_USB_CONTROL_ACK; /* wLength 0: no data stage (9.3.5) */
    }
    *reply->data = data;
    *reply->length = length < reply->cap ? length : reply->cap;
    return HSS_USB_CONTROL_DATA;
}

static hss_usb_control_result_t send_reply(hss_usb_t *usb, const reply_t *reply, uint8_t first, uint8_t second,
                                           size_t length)
{
    usb->control_reply[0] = first;
    usb->control_reply[1] = second;
    return send(reply, usb->control_reply, length);
}

static hss_usb_control_result_t get_descriptor(hss_usb_t *usb, const setup_t *s, const reply_t *reply)
{
    uint8_t type = (uint8_t)(s->value >> 8);
    uint8_t index = (uint8_t)(s->value & 0xFFu);
    /* Served types only: interface and endpoint descriptors are read inside the configuration (9.4.3). */
    if (type != 1u && type != 2u && type != 3u && type != 6u && type != 7u && type != 15u) {
        return HSS_USB_CONTROL_STALL;
    }
    const hss_usb_blob_entry_t *entry = hss_usb_blob_find(&usb->blob, type, index, s->index, usb->speed);
    if (entry == NULL) {
        return HSS_USB_CONTROL_STALL;
    }
    return send(reply, usb->blob.bytes + entry->offset, entry->length);
}

static bool has_interface(const hss_usb_t *usb, uint16_t number)
{
    const hss_usb_layout_t *layout = &usb->layouts[usb->speed];
    for (uint8_t i = 0; i < layout->interface_count; i++) {
        if (layout->interfaces[i] == number) {
            return true;
        }
    }
    return false;
}

static hss_usb_endpoint_t *interface_endpoint(hss_usb_t *usb, uint16_t interface_number, size_t i)
{
    /* The vendor profile has all four endpoints in interface 0; the CDC profile has the interrupt pair in the
       communications interface (the first) and the bulk pair in the data interface. */
    const hss_usb_layout_t *layout = &usb->layouts[usb->speed];
    hss_usb_endpoint_t *all[4] = {&usb->bulk_in, &usb->bulk_out, &usb->interrupt_in, &usb->interrupt_out};
    if (layout->interface_count > 1u) {
        bool bulk = i < 2u;
        bool first = interface_number == layout->interfaces[0];
        if (bulk == first) {
            return NULL;
        }
    }
    return all[i]->open ? all[i] : NULL;
}

static hss_usb_control_result_t device_request(hss_usb_t *usb, const setup_t *s, const reply_t *reply)
{
    bool in = (s->request_type & DIR_IN) != 0u;
    switch (s->request) {
    case REQ_GET_DESCRIPTOR:
        return in ? get_descriptor(usb, s, reply) : HSS_USB_CONTROL_STALL;
    case REQ_GET_STATUS:
        if (!in || s->value != 0u || s->index != 0u) {
            return HSS_USB_CONTROL_STALL;
        }
        /* Table 9-4: bit 0 self-powered (from the configuration's bmAttributes), bit 1 remote wakeup (never). */
        return send_reply(usb, reply, (usb->layouts[usb->speed].attributes & 0x40u) != 0u ? 1u : 0u, 0u, 2u);
    case REQ_GET_CONFIGURATION:
        return in ? send_reply(usb, reply, usb->configuration, 0u, 1u) : HSS_USB_CONTROL_STALL;
    case REQ_SET_CONFIGURATION:
        if (in || s->value > 0xFFu) {
            return HSS_USB_CONTROL_STALL;
        }
        return hss_usb_link_configure(usb, (uint8_t)s->value) == HSS_USB_OK ? HSS_USB_CONTROL_ACK
                                                                            : HSS_USB_CONTROL_STALL;
    case REQ_SET_ADDRESS:
        /* The controller applies the address after the status stage; the core keeps none. A port whose stack
           handles SET_ADDRESS never passes it here. */
        return !in && s->value <= 127u && s->index == 0u && s->length == 0u ? HSS_USB_CONTROL_ACK
                                                                             : HSS_USB_CONTROL_STALL;
    default:
        /* SET/CLEAR_FEATURE(DEVICE_REMOTE_WAKEUP, TEST_MODE), SET_DESCRIPTOR, SYNCH_FRAME: not supported. */
        return HSS_USB_CONTROL_STALL;
    }
}

static hss_usb_control_result_t interface_request(hss_usb_t *usb, const setup_t *s, const reply_t *reply)
{
    bool in = (s->request_type & DIR_IN) != 0u;
    /* Interface requests are valid only in the Configured state (9.4.4, 9.4.5, 9.4.10). */
    if (usb->link != HSS_USB_LINK_UP || !has_interface(usb, s->index)) {
        return HSS_USB_CONTROL_STALL;
    }
    switch (s->request) {
    case REQ_GET_STATUS:
        return in && s->value == 0u ? send_reply(usb, reply, 0u, 0u, 2u) : HSS_USB_CONTROL_STALL;
    case REQ_GET_INTERFACE:
        return in ? send_reply(usb, reply, 0u, 0u, 1u) : HSS_USB_CONTROL_STALL;
    case REQ_SET_INTERFACE:
        if (in || s->value != 0u) {
            return HSS_USB_CONTROL_STALL; /* alternate setting 0 is the only one */
        }
        /* 9.4.10: the interface's endpoints return to their defaults (halt cleared, data toggle reset). */
        for (size_t i = 0; i < 4u; i++) {
            hss_usb_endpoint_t *ep = interface_endpoint(usb, s->index, i);
            if (ep != NULL) {
                usb->port->endpoint_stall(usb->port_context, ep->info.address, false);
                ep->halted = false;
            }
        }
        hss_usb_command_arm_out(usb);
        hss_usb_data_arm_out(usb);
        hss_usb_command_arm_in(usb);
        hss_usb_data_arm_in(usb);
        return HSS_USB_CONTROL_ACK;
    default:
        return HSS_USB_CONTROL_STALL;
    }
}

static hss_usb_control_result_t endpoint_request(hss_usb_t *usb, const setup_t *s, const reply_t *reply)
{
    bool in = (s->request_type & DIR_IN) != 0u;
    uint8_t address = (uint8_t)(s->index & 0xFFu);
    if ((s->index & 0xFF00u) != 0u) {
        return HSS_USB_CONTROL_STALL;
    }
    if ((address & 0x7Fu) == 0u) {
        /* Endpoint 0: its status is "not halted"; its halt feature is not implemented (9.4.5 allows that). */
        return s->request == REQ_GET_STATUS && in && s->value == 0u ? send_reply(usb, reply, 0u, 0u, 2u)
                                                                     : HSS_USB_CONTROL_STALL;
    }
    /* Other endpoints exist only in the Configured state. */
    hss_usb_endpoint_t *ep = usb->link == HSS_USB_LINK_UP ? hss_usb_endpoint_find(usb, address) : NULL;
    if (ep == NULL) {
        return HSS_USB_CONTROL_STALL;
    }
    switch (s->request) {
    case REQ_GET_STATUS:
        return in && s->value == 0u ? send_reply(usb, reply, ep->halted ? 1u : 0u, 0u, 2u)
                                    : HSS_USB_CONTROL_STALL;
    case REQ_SET_FEATURE:
    case REQ_CLEAR_FEATURE:
        if (in || s->value != FEATURE_ENDPOINT_HALT) {
            return HSS_USB_CONTROL_STALL;
        }
        ep->halted = s->request == REQ_SET_FEATURE;
        /* CLEAR_FEATURE(ENDPOINT_HALT) also resets the data toggle, even when not halted (9.4.1). */
        usb->port->endpoint_stall(usb->port_context, ep->info.address, ep->halted);
        if (!ep->halted) {
            /* Transfers held back while halted may start now. */
            hss_usb_command_arm_out(usb);
            hss_usb_data_arm_out(usb);
            hss_usb_command_arm_in(usb);
            hss_usb_data_arm_in(usb);
        }
        return HSS_USB_CONTROL_ACK;
    default:
        return HSS_USB_CONTROL_STALL;
    }
}

/* MS OS 2.0 spec section 8: bmRequestType 0xC0, bRequest the vendor code of the BOS platform capability, wIndex 7. */
static hss_usb_control_result_t vendor_request(hss_usb_t *usb, const setup_t *s, const reply_t *reply)
{
    if (s->request_type != (DIR_IN | TYPE_VENDOR | RECIPIENT_DEVICE) ||
        s->index != HSS_USB_MS_OS_20_DESCRIPTOR_INDEX) {
        return HSS_USB_CONTROL_STALL;
    }
    const hss_usb_blob_entry_t *entry = hss_usb_blob_find(&usb->blob, HSS_USB_BLOB_MS_OS_20, s->request, 0u,
                                                          usb->speed);
    if (entry == NULL) {
        return HSS_USB_CONTROL_STALL;
    }
    return send(reply, usb->blob.bytes + entry->offset, entry->length);
}

static hss_usb_control_result_t dispatch(hss_usb_t *usb, const setup_t *s, const reply_t *reply)
{
    bool in = (s->request_type & DIR_IN) != 0u;
    if (!in && s->length != 0u) {
        return HSS_USB_CONTROL_STALL; /* no request of the function has an OUT data stage */
    }
    switch (s->request_type & TYPE_MASK) {
    case TYPE_STANDARD:
        switch (s->request_type & RECIPIENT_MASK) {
        case RECIPIENT_DEVICE:
            return device_request(usb, s, reply);
        case RECIPIENT_INTERFACE:
            return interface_request(usb, s, reply);
        case RECIPIENT_ENDPOINT:
            return endpoint_request(usb, s, reply);
        default:
            return HSS_USB_CONTROL_STALL;
        }
    case TYPE_VENDOR:
        return vendor_request(usb, s, reply);
    default:
        return HSS_USB_CONTROL_STALL; /* class requests: the function defines none */
    }
}

hss_usb_control_result_t hss_usb_port_control(hss_usb_t *usb, const uint8_t setup[8], const uint8_t **data,
                                              size_t *length)
{
    if (!hss_usb_is_open(usb) || setup == NULL || data == NULL || length == NULL) {
        return HSS_USB_CONTROL_STALL;
    }
    *data = NULL;
    *length = 0;
    setup_t s;
    s.request_type = setup[0];
    s.request = setup[1];
    s.value = hss_usb_get_u16(setup + 2);
    s.index = hss_usb_get_u16(setup + 4);
    s.length = hss_usb_get_u16(setup + 6);
    reply_t reply = {data, length, s.length};

    hss_usb_enter(usb);
    hss_usb_control_result_t result = HSS_USB_CONTROL_STALL;
    if (hss_usb_is_open(usb)) {
        result = dispatch(usb, &s, &reply);
        if (result == HSS_USB_CONTROL_STALL) {
            usb->stats.control_stalls++;
            *data = NULL;
            *length = 0;
        }
    }
    hss_usb_leave(usb);
    return result;
}

const uint8_t *hss_usb_port_descriptor(hss_usb_t *usb, uint8_t type, uint8_t index, uint16_t language_id,
                                       size_t *length)
{
    if (!hss_usb_is_open(usb) || length == NULL) {
        return NULL;
    }
    hss_usb_enter(usb);
    const uint8_t *bytes = NULL;
    *length = 0;
    if (hss_usb_is_open(usb)) {
        const hss_usb_blob_entry_t *entry = hss_usb_blob_find(&usb->blob, type, index, language_id, usb->speed);
        if (entry != NULL) {
            bytes = usb->blob.bytes + entry->offset;
            *length = entry->length;
        }
    }
    hss_usb_leave(usb);
    return bytes;
}
