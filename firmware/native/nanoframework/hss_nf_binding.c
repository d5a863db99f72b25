/* The nanoCLR binding's plain-C part: see hss_nf_binding.h. */
/* HSS_NF_MEMORY_BYTES: bytes of static memory for the one instance (descriptors, queues, buffers), written by the
 * CMake module from HSS_NANOFRAMEWORK_MEMORY_BYTES. */
#include "hss_nf_config.h"
#include "hss_nf_binding.h"

#include <string.h>

/* The instance's memory, aligned to 8 bytes as hss_usb_open asks. */
static uint64_t s_memory[(HSS_NF_MEMORY_BYTES + 7u) / 8u];

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
    hss_usb_config_t config;

    if (descriptors == NULL || command_queue_packets < 0 || data_out_bytes < 0 || data_in_bytes < 0) {
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
    return (int)hss_nf_board_open(&config, s_memory, sizeof(s_memory), hss_nf_post_event);
}

void hss_nf_close(void)
{
    if (hss_nf_board_instance() != NULL) {
        hss_nf_board_close();
    }
}

int hss_nf_link_state(void)
{
    hss_usb_t *usb = hss_nf_board_instance();
    return usb != NULL ? (int)hss_usb_link_state(usb) : (int)HSS_USB_LINK_DOWN;
}

bool hss_nf_is_single_pipe(void)
{
    hss_usb_t *usb = hss_nf_board_instance();
    return usb != NULL && hss_usb_is_single_pipe(usb);
}

int hss_nf_read_command(uint8_t *buffer, size_t length, int32_t offset, int32_t count)
{
    hss_usb_t *usb = hss_nf_board_instance();
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    return usb != NULL ? hss_usb_read_command(usb, buffer + offset, (size_t)count) : HSS_USB_ERR_NOT_OPEN;
}

int hss_nf_write_command(const uint8_t *buffer, size_t length, int32_t offset, int32_t count)
{
    hss_usb_t *usb = hss_nf_board_instance();
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    return usb != NULL ? hss_usb_write_command(usb, buffer + offset, (size_t)count) : HSS_USB_ERR_NOT_OPEN;
}

int hss_nf_read_data(uint8_t *buffer, size_t length, int32_t offset, int32_t count)
{
    hss_usb_t *usb = hss_nf_board_instance();
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    return usb != NULL ? hss_usb_read_data(usb, buffer + offset, (size_t)count) : HSS_USB_ERR_NOT_OPEN;
}

int hss_nf_write_data(const uint8_t *buffer, size_t length, int32_t offset, int32_t count, bool end_of_transfer)
{
    hss_usb_t *usb = hss_nf_board_instance();
    if (buffer == NULL || !range_ok(length, offset, count)) {
        return HSS_USB_ERR_ARGUMENT;
    }
    return usb != NULL ? hss_usb_write_data(usb, buffer + offset, (size_t)count, end_of_transfer) : HSS_USB_ERR_NOT_OPEN;
}

int hss_nf_ready(void)
{
    hss_usb_t *usb = hss_nf_board_instance();
    return usb != NULL ? (int)hss_usb_ready(usb) : 0;
}
