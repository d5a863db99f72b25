/*
 * The core's calls into the port that every part makes: the lock with the wake after it, and starting a transfer
 * on an endpoint. Kept apart so the pipes and the link state depend on this file, not on each other.
 */
#include "internal.h"

void hss_usb_enter(hss_usb_t *usb)
{
    usb->port->lock(usb->port_context);
}

void hss_usb_leave(hss_usb_t *usb)
{
    uint32_t events = usb->pending_events;
    usb->pending_events = 0;
    const hss_usb_port_t *port = usb->port;
    void *context = usb->port_context;
    port->unlock(context);
    if (events != 0u) {
        port->wake(context, events);
    }
}

bool hss_usb_endpoint_idle(const hss_usb_t *usb, const hss_usb_endpoint_t *ep)
{
    return usb->link == HSS_USB_LINK_UP && ep->open && !ep->busy && !ep->halted;
}

bool hss_usb_endpoint_start(hss_usb_t *usb, hss_usb_endpoint_t *ep, uint8_t *buffer, size_t length, bool zlp)
{
    ep->busy = true;
    ep->length = length;
    ep->zlp = zlp;
    if (usb->port->endpoint_transfer(usb->port_context, ep->info.address, buffer, length) < 0) {
        /* Left idle: the next read, write or completion tries again. */
        ep->busy = false;
        usb->stats.port_errors++;
        return false;
    }
    return true;
}

hss_usb_endpoint_t *hss_usb_endpoint_find(hss_usb_t *usb, uint8_t address)
{
    hss_usb_endpoint_t *all[4] = {&usb->bulk_in, &usb->bulk_out, &usb->interrupt_in, &usb->interrupt_out};
    for (size_t i = 0; i < 4u; i++) {
        if (all[i]->open && all[i]->info.address == address) {
            return all[i];
        }
    }
    return NULL;
}
