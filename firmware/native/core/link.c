/*
 * Link state and bus events. The link is up from SET_CONFIGURATION(1) until a bus reset, SET_CONFIGURATION(0) or
 * a disconnect. A suspend keeps it up: it is a pause the host ends with resume (or with a reset, which takes the
 * link down then), and the host still holds its configuration (USB 2.0 9.1.1.6). At link-down every transfer in
 * flight is over (it completes with an error from the core's side; a late completion from the port is ignored),
 * the queued bytes of the old link are discarded in both directions so nothing is delivered twice or into the
 * next session, and each pipe's next read reports HSS_USB_ERR_LINK_RESET once.
 */
#include "internal.h"

#include <string.h>

static void close_endpoints(hss_usb_t *usb)
{
    hss_usb_endpoint_t *all[4] = {&usb->bulk_in, &usb->bulk_out, &usb->interrupt_in, &usb->interrupt_out};
    for (size_t i = 0; i < 4u; i++) {
        if (all[i]->open) {
            usb->port->endpoint_close(usb->port_context, all[i]->info.address);
        }
        memset(all[i], 0, sizeof(*all[i]));
    }
}

static hss_usb_status_t open_endpoint(hss_usb_t *usb, hss_usb_endpoint_t *ep, const hss_usb_endpoint_info_t *info)
{
    memset(ep, 0, sizeof(*ep));
    if (info->address == 0u) {
        return HSS_USB_OK; /* single-pipe profile: no interrupt endpoints */
    }
    ep->info = *info;
    if (usb->port->endpoint_open(usb->port_context, info->address, info->type, info->max_packet) < 0) {
        usb->stats.port_errors++;
        return HSS_USB_ERR_PORT;
    }
    ep->open = true;
    return HSS_USB_OK;
}

static const uint32_t all_events = HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_DATA_READABLE |
                                   HSS_USB_EVENT_COMMAND_WRITABLE | HSS_USB_EVENT_DATA_WRITABLE |
                                   HSS_USB_EVENT_LINK_CHANGED;

void hss_usb_link_down(hss_usb_t *usb)
{
    usb->configuration = 0;
    if (usb->link != HSS_USB_LINK_UP) {
        return;
    }
    usb->link = HSS_USB_LINK_DOWN;
    usb->stats.link_resets++;
    close_endpoints(usb);
    hss_usb_command_reset(usb);
    hss_usb_data_reset(usb);
    usb->command_reset_pending = !usb->layouts[HSS_USB_SPEED_FULL].single_pipe;
    usb->data_reset_pending = true;
    /* Readers wake to see LINK_RESET, writers to see LINK_DOWN. */
    hss_usb_signal(usb, all_events);
}

static void clear_halts(hss_usb_t *usb)
{
    hss_usb_endpoint_t *all[4] = {&usb->bulk_in, &usb->bulk_out, &usb->interrupt_in, &usb->interrupt_out};
    for (size_t i = 0; i < 4u; i++) {
        if (all[i]->open) {
            /* Also resets the data toggle in the controller (USB 2.0 9.4.5). */
            usb->port->endpoint_stall(usb->port_context, all[i]->info.address, false);
            all[i]->halted = false;
        }
    }
}

hss_usb_status_t hss_usb_link_configure(hss_usb_t *usb, uint8_t configuration)
{
    if (configuration == 0u) {
        hss_usb_link_down(usb);
        return HSS_USB_OK;
    }
    const hss_usb_layout_t *layout = &usb->layouts[usb->speed];
    if (!layout->present || configuration != layout->configuration_value) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (usb->link == HSS_USB_LINK_UP) {
        /* The same configuration again: endpoints back to their defaults (USB 2.0 9.1.1.5), the session goes on. */
        clear_halts(usb);
    } else {
        hss_usb_status_t status = open_endpoint(usb, &usb->bulk_in, &layout->bulk_in);
        if (status == HSS_USB_OK) {
            status = open_endpoint(usb, &usb->bulk_out, &layout->bulk_out);
        }
        if (status == HSS_USB_OK) {
            status = open_endpoint(usb, &usb->interrupt_in, &layout->interrupt_in);
        }
        if (status == HSS_USB_OK) {
            status = open_endpoint(usb, &usb->interrupt_out, &layout->interrupt_out);
        }
        if (status != HSS_USB_OK) {
            close_endpoints(usb);
            return status;
        }
        usb->link = HSS_USB_LINK_UP;
        hss_usb_signal(usb, HSS_USB_EVENT_LINK_CHANGED | HSS_USB_EVENT_DATA_WRITABLE |
                                (layout->single_pipe ? 0u : HSS_USB_EVENT_COMMAND_WRITABLE));
    }
    usb->configuration = configuration;
    hss_usb_command_arm_out(usb);
    hss_usb_data_arm_out(usb);
    hss_usb_command_arm_in(usb);
    hss_usb_data_arm_in(usb);
    return HSS_USB_OK;
}

hss_usb_status_t hss_usb_port_configured(hss_usb_t *usb, uint8_t configuration)
{
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    hss_usb_enter(usb);
    hss_usb_status_t status = hss_usb_is_open(usb) ? hss_usb_link_configure(usb, configuration)
                                                   : HSS_USB_ERR_NOT_OPEN;
    hss_usb_leave(usb);
    return status;
}

void hss_usb_port_bus_reset(hss_usb_t *usb, hss_usb_speed_t speed)
{
    if (!hss_usb_is_open(usb)) {
        return;
    }
    hss_usb_enter(usb);
    if (hss_usb_is_open(usb)) {
        hss_usb_link_down(usb);
        usb->speed = speed == HSS_USB_SPEED_HIGH ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL;
        usb->suspended = false;
    }
    hss_usb_leave(usb);
}

void hss_usb_port_disconnected(hss_usb_t *usb)
{
    if (!hss_usb_is_open(usb)) {
        return;
    }
    hss_usb_enter(usb);
    if (hss_usb_is_open(usb)) {
        hss_usb_link_down(usb);
        usb->suspended = false;
    }
    hss_usb_leave(usb);
}

static void set_suspended(hss_usb_t *usb, bool suspended)
{
    if (!hss_usb_is_open(usb)) {
        return;
    }
    hss_usb_enter(usb);
    if (hss_usb_is_open(usb)) {
        usb->suspended = suspended;
    }
    hss_usb_leave(usb);
}

void hss_usb_port_suspend(hss_usb_t *usb)
{
    set_suspended(usb, true);
}

void hss_usb_port_resume(hss_usb_t *usb)
{
    set_suspended(usb, false);
}

void hss_usb_port_transfer_complete(hss_usb_t *usb, uint8_t address, size_t actual,
                                    hss_usb_transfer_result_t result)
{
    if (!hss_usb_is_open(usb)) {
        return;
    }
    hss_usb_enter(usb);
    hss_usb_endpoint_t *ep = hss_usb_is_open(usb) ? hss_usb_endpoint_find(usb, address) : NULL;
    if (ep == NULL || !ep->busy) {
        if (hss_usb_is_open(usb)) {
            usb->stats.completions_ignored++; /* after link-down, or a port bug: no transfer in flight */
        }
    } else {
        ep->busy = false;
        if (actual > ep->length) {
            /* A port that reports more than was asked: nothing it reports can be trusted. */
            usb->stats.port_errors++;
            actual = 0;
            result = HSS_USB_TRANSFER_FAILED;
        }
        if (result != HSS_USB_TRANSFER_OK && result != HSS_USB_TRANSFER_FAILED) {
            result = HSS_USB_TRANSFER_CANCELLED;
        }
        if (ep == &usb->bulk_in) {
            hss_usb_data_in_complete(usb, actual, result);
        } else if (ep == &usb->bulk_out) {
            hss_usb_data_out_complete(usb, actual, result);
        } else if (ep == &usb->interrupt_in) {
            hss_usb_command_in_complete(usb, actual, result);
        } else {
            hss_usb_command_out_complete(usb, actual, result);
        }
    }
    hss_usb_leave(usb);
}
