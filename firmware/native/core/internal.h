/* What the core's files share: the lock discipline, endpoint starts, the pipes' and the link's entry points. */
#ifndef HSS_USB_INTERNAL_H
#define HSS_USB_INTERNAL_H

#include "hss_usb_core.h"

#define HSS_USB_MAGIC 0x48535355u /* "HSSU" */

static inline bool hss_usb_is_open(const hss_usb_t *usb)
{
    return usb != NULL && usb->magic == HSS_USB_MAGIC;
}

/* Every entry point: enter takes the port's lock; leave releases it, then wakes with the events collected. */
void hss_usb_enter(hss_usb_t *usb);
void hss_usb_leave(hss_usb_t *usb);

static inline void hss_usb_signal(hss_usb_t *usb, uint32_t events)
{
    usb->pending_events |= events;
}

/* True when a transfer may start on `ep` now: link up, endpoint open, nothing in flight, not halted. */
bool hss_usb_endpoint_idle(const hss_usb_t *usb, const hss_usb_endpoint_t *ep);

/* Starts a transfer through the port; false (counted) when the port refused it. */
bool hss_usb_endpoint_start(hss_usb_t *usb, hss_usb_endpoint_t *ep, uint8_t *buffer, size_t length, bool zlp);

/* The endpoint of this address among the four, or NULL. */
hss_usb_endpoint_t *hss_usb_endpoint_find(hss_usb_t *usb, uint8_t address);

/* Link: configuration set by the host (0 = down); link down for a bus event. Called under the lock. */
hss_usb_status_t hss_usb_link_configure(hss_usb_t *usb, uint8_t configuration);
void hss_usb_link_down(hss_usb_t *usb);

/* Command pipe (command_pipe.c). */
void hss_usb_command_reset(hss_usb_t *usb);
void hss_usb_command_arm_out(hss_usb_t *usb);
void hss_usb_command_arm_in(hss_usb_t *usb);
void hss_usb_command_out_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result);
void hss_usb_command_in_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result);
uint32_t hss_usb_command_ready(const hss_usb_t *usb);

/* Data pipe (data_pipe.c). */
void hss_usb_data_reset(hss_usb_t *usb);
void hss_usb_data_arm_out(hss_usb_t *usb);
void hss_usb_data_arm_in(hss_usb_t *usb);
void hss_usb_data_out_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result);
void hss_usb_data_in_complete(hss_usb_t *usb, size_t actual, hss_usb_transfer_result_t result);
uint32_t hss_usb_data_ready(const hss_usb_t *usb);

#endif /* HSS_USB_INTERNAL_H */
