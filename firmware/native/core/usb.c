/*
 * The instance: memory plan, open, close and the state queries of hss_usb.h. All buffers are carved out of the
 * caller's memory at open, after the configuration and the descriptor blob are checked.
 */
#include "blob.h"
#include "internal.h"

#include <string.h>

static size_t align8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

/* Where each buffer goes in the caller's memory, as offsets from its start. */
typedef struct plan {
    size_t blob;
    size_t command_out_slots;
    size_t command_in_slots;
    size_t command_out_lengths;
    size_t command_in_lengths;
    size_t data_out;
    size_t data_in;
    size_t data_in_ends;
    size_t data_out_stage;
    size_t data_out_stage_size;
    size_t data_in_stage;
    size_t data_in_stage_size;
    size_t total;
} plan_t;

/* The largest transfer that fits `bytes` of buffer: whole packets of every speed, at most HSS_USB_DATA_CHUNK_MAX. */
static size_t chunk(size_t bytes, uint16_t max_packet)
{
    size_t limit = bytes < HSS_USB_DATA_CHUNK_MAX ? bytes : HSS_USB_DATA_CHUNK_MAX;
    return (limit / max_packet) * max_packet;
}

static hss_usb_status_t make_plan(const hss_usb_config_t *config, hss_usb_blob_t *blob, hss_usb_layout_t layouts[2],
                                  plan_t *plan)
{
    if (config == NULL || config->descriptors == NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (config->command_queue_packets == 0u || config->command_queue_packets > HSS_USB_COMMAND_QUEUE_MAX ||
        config->data_out_bytes > HSS_USB_DATA_BUFFER_MAX || config->data_in_bytes > HSS_USB_DATA_BUFFER_MAX) {
        return HSS_USB_ERR_ARGUMENT;
    }
    hss_usb_status_t status = hss_usb_blob_parse(blob, layouts, config->descriptors, config->descriptors_len);
    if (status != HSS_USB_OK) {
        return status;
    }
    uint16_t max_packet = hss_usb_blob_max_bulk_packet(layouts);
    /* Each bulk buffer must hold one whole packet of the fastest speed, or a transfer could never start. */
    if (config->data_out_bytes < max_packet || config->data_in_bytes < max_packet) {
        return HSS_USB_ERR_ARGUMENT;
    }
    size_t n = config->command_queue_packets;
    size_t at = align8(sizeof(struct hss_usb));
    plan->blob = at;
    at += align8(config->descriptors_len);
    plan->command_out_slots = at;
    at += n * HSS_USB_COMMAND_MAX;
    plan->command_in_slots = at;
    at += n * HSS_USB_COMMAND_MAX;
    plan->command_out_lengths = at;
    at += align8(n);
    plan->command_in_lengths = at;
    at += align8(n);
    plan->data_out = at;
    at += align8(config->data_out_bytes);
    plan->data_in = at;
    at += align8(config->data_in_bytes);
    plan->data_in_ends = at;
    at += align8((config->data_in_bytes + 7u) / 8u);
    plan->data_out_stage_size = chunk(config->data_out_bytes, max_packet);
    plan->data_out_stage = at;
    at += plan->data_out_stage_size;
    plan->data_in_stage_size = chunk(config->data_in_bytes, max_packet);
    plan->data_in_stage = at;
    at += plan->data_in_stage_size;
    plan->total = at;
    return HSS_USB_OK;
}

size_t hss_usb_memory_size(const hss_usb_config_t *config)
{
    hss_usb_blob_t blob;
    hss_usb_layout_t layouts[2];
    plan_t plan;
    return make_plan(config, &blob, layouts, &plan) == HSS_USB_OK ? plan.total : 0u;
}

static bool port_complete(const hss_usb_port_t *port)
{
    return port != NULL && port->endpoint_open != NULL && port->endpoint_close != NULL &&
           port->endpoint_transfer != NULL && port->endpoint_stall != NULL && port->connect != NULL &&
           port->lock != NULL && port->unlock != NULL && port->wake != NULL;
}

hss_usb_status_t hss_usb_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                              const struct hss_usb_port *port, void *port_context, hss_usb_t **out)
{
    if (out == NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    *out = NULL;
    if (!port_complete(port) || memory == NULL || ((uintptr_t)memory & 7u) != 0u) {
        return HSS_USB_ERR_ARGUMENT;
    }
    hss_usb_blob_t blob;
    hss_usb_layout_t layouts[2];
    plan_t plan;
    hss_usb_status_t status = make_plan(config, &blob, layouts, &plan);
    if (status != HSS_USB_OK) {
        return status;
    }
    if (memory_size < plan.total) {
        return HSS_USB_ERR_NO_MEMORY;
    }

    uint8_t *base = (uint8_t *)memory;
    memset(base, 0, plan.total);
    hss_usb_t *usb = (hss_usb_t *)memory;
    memcpy(base + plan.blob, config->descriptors, config->descriptors_len);
    /* Index the instance's own copy, so the caller's bytes may go away. */
    status = hss_usb_blob_parse(&usb->blob, usb->layouts, base + plan.blob, config->descriptors_len);
    if (status != HSS_USB_OK) {
        return status;
    }
    usb->port = port;
    usb->port_context = port_context;
    usb->zero_length_packets = !config->no_zero_length_packets;
    usb->speed = HSS_USB_SPEED_FULL;
    usb->link = HSS_USB_LINK_DOWN;
    usb->command_out.slots = base + plan.command_out_slots;
    usb->command_out.lengths = base + plan.command_out_lengths;
    usb->command_out.capacity = config->command_queue_packets;
    usb->command_in.slots = base + plan.command_in_slots;
    usb->command_in.lengths = base + plan.command_in_lengths;
    usb->command_in.capacity = config->command_queue_packets;
    usb->data_out.bytes = base + plan.data_out;
    usb->data_out.capacity = config->data_out_bytes;
    usb->data_in.bytes = base + plan.data_in;
    usb->data_in.ends = base + plan.data_in_ends;
    usb->data_in.capacity = config->data_in_bytes;
    usb->data_out_stage = base + plan.data_out_stage;
    usb->data_out_stage_size = plan.data_out_stage_size;
    usb->data_in_stage = base + plan.data_in_stage;
    usb->data_in_stage_size = plan.data_in_stage_size;
    usb->magic = HSS_USB_MAGIC;
    /* The port may report bus events as soon as the pull-up is on: it finds the instance through *out. */
    *out = usb;

    hss_usb_enter(usb);
    port->connect(port_context, true);
    hss_usb_leave(usb);
    return HSS_USB_OK;
}

void hss_usb_close(hss_usb_t *usb)
{
    if (!hss_usb_is_open(usb)) {
        return;
    }
    hss_usb_enter(usb);
    if (hss_usb_is_open(usb)) {
        hss_usb_link_down(usb);
        usb->port->connect(usb->port_context, false);
        usb->magic = 0;
        /* Every waiter wakes and sees HSS_USB_ERR_NOT_OPEN. */
        hss_usb_signal(usb, HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_DATA_READABLE |
                                HSS_USB_EVENT_COMMAND_WRITABLE | HSS_USB_EVENT_DATA_WRITABLE |
                                HSS_USB_EVENT_LINK_CHANGED);
    }
    hss_usb_leave(usb);
}

hss_usb_link_state_t hss_usb_link_state(const hss_usb_t *usb)
{
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_LINK_DOWN;
    }
    hss_usb_t *mutable_usb = (hss_usb_t *)(uintptr_t)usb; /* the lock is state even for a query */
    hss_usb_enter(mutable_usb);
    hss_usb_link_state_t link = hss_usb_is_open(usb) ? usb->link : HSS_USB_LINK_DOWN;
    hss_usb_leave(mutable_usb);
    return link;
}

bool hss_usb_is_single_pipe(const hss_usb_t *usb)
{
    /* Fixed at open (both speeds agree): no lock needed. */
    return hss_usb_is_open(usb) && usb->layouts[HSS_USB_SPEED_FULL].single_pipe;
}

bool hss_usb_is_suspended(const hss_usb_t *usb)
{
    if (!hss_usb_is_open(usb)) {
        return false;
    }
    hss_usb_t *mutable_usb = (hss_usb_t *)(uintptr_t)usb;
    hss_usb_enter(mutable_usb);
    bool suspended = usb->suspended;
    hss_usb_leave(mutable_usb);
    return suspended;
}

uint32_t hss_usb_ready(const hss_usb_t *usb)
{
    if (!hss_usb_is_open(usb)) {
        return 0;
    }
    hss_usb_t *mutable_usb = (hss_usb_t *)(uintptr_t)usb;
    hss_usb_enter(mutable_usb);
    uint32_t events = 0;
    if (hss_usb_is_open(usb)) {
        events = hss_usb_data_ready(usb);
        if (!usb->layouts[HSS_USB_SPEED_FULL].single_pipe) {
            events |= hss_usb_command_ready(usb);
        }
    }
    hss_usb_leave(mutable_usb);
    return events;
}

hss_usb_status_t hss_usb_stats(hss_usb_t *usb, hss_usb_stats_t *out)
{
    if (out == NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (!hss_usb_is_open(usb)) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    hss_usb_enter(usb);
    hss_usb_status_t status = HSS_USB_ERR_NOT_OPEN;
    if (hss_usb_is_open(usb)) {
        *out = usb->stats;
        status = HSS_USB_OK;
    }
    hss_usb_leave(usb);
    return status;
}
