/* The nanoCLR binding's plain-C part: see hss_nf_binding.h. */
/* HSS_NF_MEMORY_BYTES: bytes of static memory for the one instance (descriptors, queues, buffers), written by the
 * CMake module from HSS_NANOFRAMEWORK_MEMORY_BYTES. Open fails with HSS_USB_ERR_NO_MEMORY when the sizes need more. */
#include "hss_nf_config.h"
#include "hss_nf_binding.h"

#include <string.h>

/* The instance's memory, aligned to 8 bytes as hss_usb_open asks. */
static uint64_t s_memory[(HSS_NF_MEMORY_BYTES + 7u) / 8u];
/* Written on the CLR thread, read by the port's USB context (hss_nf_instance): one pointer-sized store, made before
 * hss_usb_open turns the pull-up on under the port's lock, so the port's first event sees it. */
static hss_usb_t *s_usb;

/* The board's port with its wake wrapped: the port's own wake still runs, then the managed side is told. */
static hss_usb_port_t s_port;
static void (*s_port_wake)(void *context, uint32_t events);

static void binding_wake(void *context, uint32_t events)
{
    if (s_port_wake != NULL) {
        s_port_wake(context, events);
    }
    hss_nf_post_event(events);
}

/* True when [offset, offset + count) lies inside an array of `length` bytes (no overflow on any input). */
static bool range_ok(size_t length, int32_t offset, int32_t count)
{
    if (offset < 0 || count < 0) {
        return false;
    }
    return (size_t)offset <= length && (size_t)count <= length - (size_t)offset;
}

int hss_nf_open(const uint8_t *descriptors, size_t descriptors_len, int32_t command_queue_packets, int32_t data_out_bytes,
                int32_t data_in_bytes)
{
    const hss_usb_port_t *port = hss_nf_board_port();
    hss_usb_config_t config;
    hss_usb_status_t status;

    if (descriptors == NULL || command_queue_packets < 0 || data_out_bytes < 0 || data_in_bytes < 0 || port == NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    hss_nf_close();

    /* Fields added to hss_usb_config_t later keep their zero defaults. */
    memset(&config, 0, sizeof(config));
    config.descriptors = descriptors;
    config.descriptors_len = descriptors_len;
    config.command_queue_packets = (size_t)command_queue_packets;
    config.data_out_bytes = (size_t)data_out_bytes;
    config.data_in_bytes = (size_t)data_in_bytes;
    if (hss_usb_memory_size(&config) > sizeof(s_memory)) {
        return HSS_USB_ERR_NO_MEMORY;
    }

    s_port = *port;
    s_port_wake = port->wake;
    s_port.wake = binding_wake;
    /* hss_usb_open stores the instance through its last argument before it connects: pass s_usb itself, so the
     * port finds the instance from the first bus event on. */
    status = hss_usb_open(&config, s_memory, sizeof(s_memory), &s_port, hss_nf_board_port_context(), &s_usb);
    if (status != HSS_USB_OK) {
        s_usb = NULL;
    }
    return (int)status;
}

hss_usb_t *hss_nf_instance(void)
{
    return s_usb;
}

void hss_nf_close(void)
{
    hss_usb_t *usb = s_usb;
    if (usb != NULL) {
        /* Closed first: a stack event that still arrives meanwhile finds a closed instance, which ignores it. */
        hss_usb_close(usb);
        s_usb = NULL;
    }
}

int hss_nf_link_state(void)
{
    return s_usb != NULL ? (int)hss_usb_link_state(s_usb) : (int)HSS_USB_LINK_DOWN;
}

bool hss_nf_is_single_pipe(void)
{
    return s_usb != NULL && hss_usb_is_single_pipe(s_usb);
}

int hss_nf_read_command(uint8_t *buffer, size_t length, int32_t offset, int32_t count)
{
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (s_usb == NULL) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    return hss_usb_read_command(s_usb, buffer + offset, (size_t)count);
}

int hss_nf_write_command(const uint8_t *buffer, size_t length, int32_t offset, int32_t count)
{
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (s_usb == NULL) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    return hss_usb_write_command(s_usb, buffer + offset, (size_t)count);
}

int hss_nf_read_data(uint8_t *buffer, size_t length, int32_t offset, int32_t count)
{
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (s_usb == NULL) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    return hss_usb_read_data(s_usb, buffer + offset, (size_t)count);
}

int hss_nf_write_data(const uint8_t *buffer, size_t length, int32_t offset, int32_t count, bool end_of_transfer)
{
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    if (s_usb == NULL) {
        return HSS_USB_ERR_NOT_OPEN;
    }
    return hss_usb_write_data(s_usb, buffer + offset, (size_t)count, end_of_transfer);
}

int hss_nf_ready(void)
{
    return s_usb != NULL ? (int)hss_usb_ready(s_usb) : 0;
}
