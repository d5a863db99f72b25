#include "fake_port.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

size_t fake_slot(uint8_t address)
{
    return (size_t)(address & 0x0Fu) + ((address & 0x80u) != 0u ? 16u : 0u);
}

static void record(fake_port_t *fake, fake_call_t call)
{
    if (fake->lock_depth != 1) {
        fake->lock_violations++;
    }
    if (fake->no_record) {
        return;
    }
    assert_true(fake->call_count < FAKE_CALLS_MAX);
    fake->calls[fake->call_count++] = call;
}

static int endpoint_open(void *context, uint8_t address, uint8_t type, uint16_t max_packet)
{
    fake_port_t *fake = context;
    fake_call_t call = {FAKE_OPEN, address, type, max_packet, 0, false};
    record(fake, call);
    if (fake->fail_open_address == address) {
        return HSS_USB_ERR_PORT;
    }
    fake->open[fake_slot(address)] = true;
    return 0;
}

static void endpoint_close(void *context, uint8_t address)
{
    fake_port_t *fake = context;
    fake_call_t call = {FAKE_CLOSE, address, 0, 0, 0, false};
    record(fake, call);
    fake->open[fake_slot(address)] = false;
    fake->transfers[fake_slot(address)].pending = false; /* cancelled; reported to nobody (hss_usb_port.h) */
}

static int endpoint_transfer(void *context, uint8_t address, uint8_t *buffer, size_t length)
{
    fake_port_t *fake = context;
    fake_call_t call = {FAKE_TRANSFER, address, 0, 0, length, false};
    record(fake, call);
    if (fake->fail_transfers > 0) {
        fake->fail_transfers--;
        return HSS_USB_ERR_PORT;
    }
    fake_transfer_t *t = &fake->transfers[fake_slot(address)];
    /* The core must never start a second transfer on a busy endpoint or one on a closed endpoint. */
    assert_false(t->pending);
    assert_true(fake->open[fake_slot(address)]);
    assert_true(buffer != NULL);
    t->pending = true;
    t->buffer = buffer;
    t->length = length;
    return 0;
}

static void endpoint_stall(void *context, uint8_t address, bool stalled)
{
    fake_port_t *fake = context;
    fake_call_t call = {FAKE_STALL, address, 0, 0, 0, stalled};
    record(fake, call);
    fake->stalled[fake_slot(address)] = stalled;
}

static void connect(void *context, bool connected)
{
    fake_port_t *fake = context;
    fake_call_t call = {FAKE_CONNECT, 0, 0, 0, 0, connected};
    record(fake, call);
    fake->connected = connected;
}

static void lock(void *context)
{
    fake_port_t *fake = context;
    if (fake->lock_depth != 0) {
        fake->lock_violations++; /* the lock is not recursive on real ports */
    }
    fake->lock_depth++;
}

static void unlock(void *context)
{
    fake_port_t *fake = context;
    fake->lock_depth--;
}

static void wake(void *context, uint32_t events)
{
    fake_port_t *fake = context;
    if (fake->lock_depth != 0) {
        fake->lock_violations++;
    }
    fake->woken |= events;
    fake->wake_count++;
}

void fake_port_init(fake_port_t *fake)
{
    memset(fake, 0, sizeof(*fake));
    fake->port.endpoint_open = endpoint_open;
    fake->port.endpoint_close = endpoint_close;
    fake->port.endpoint_transfer = endpoint_transfer;
    fake->port.endpoint_stall = endpoint_stall;
    fake->port.connect = connect;
    fake->port.lock = lock;
    fake->port.unlock = unlock;
    fake->port.wake = wake;
}

void fake_port_free(fake_port_t *fake)
{
    if (fake->usb != NULL) {
        hss_usb_close(fake->usb);
        fake->usb = NULL;
    }
    free(fake->memory);
    fake->memory = NULL;
    assert_int_equal(fake->lock_violations, 0);
}

hss_usb_t *fake_open(fake_port_t *fake, const uint8_t *blob, size_t blob_len, size_t command_packets,
                     size_t data_out, size_t data_in)
{
    hss_usb_config_t config;
    memset(&config, 0, sizeof(config));
    config.descriptors = blob;
    config.descriptors_len = blob_len;
    config.command_queue_packets = command_packets;
    config.data_out_bytes = data_out;
    config.data_in_bytes = data_in;
    size_t size = hss_usb_memory_size(&config);
    assert_true(size > 0u);
    fake->memory = malloc(size);
    assert_non_null(fake->memory);
    hss_usb_t *usb = NULL;
    assert_int_equal(hss_usb_open(&config, fake->memory, size, &fake->port, fake, &usb), HSS_USB_OK);
    assert_non_null(usb);
    fake->usb = usb;
    return usb;
}

hss_usb_control_result_t fake_setup(fake_port_t *fake, uint8_t request_type, uint8_t request, uint16_t value,
                                    uint16_t index, uint16_t length, const uint8_t **data, size_t *data_length)
{
    uint8_t setup[8] = {request_type,          request, (uint8_t)value, (uint8_t)(value >> 8), (uint8_t)index,
                        (uint8_t)(index >> 8), (uint8_t)length, (uint8_t)(length >> 8)};
    const uint8_t *ignored_data;
    size_t ignored_length;
    return hss_usb_port_control(fake->usb, setup, data != NULL ? data : &ignored_data,
                                data_length != NULL ? data_length : &ignored_length);
}

void fake_enumerate(fake_port_t *fake, hss_usb_speed_t speed)
{
    hss_usb_port_bus_reset(fake->usb, speed);
    assert_int_equal(fake_setup(fake, 0x00, 9, 1, 0, 0, NULL, NULL), HSS_USB_CONTROL_ACK);
    assert_int_equal(hss_usb_link_state(fake->usb), HSS_USB_LINK_UP);
}

bool fake_pending(const fake_port_t *fake, uint8_t address)
{
    return fake->transfers[fake_slot(address)].pending;
}

size_t fake_pending_length(const fake_port_t *fake, uint8_t address)
{
    return fake->transfers[fake_slot(address)].length;
}

void fake_complete(fake_port_t *fake, uint8_t address, size_t actual, hss_usb_transfer_result_t result)
{
    fake_transfer_t *t = &fake->transfers[fake_slot(address)];
    assert_true(t->pending);
    t->pending = false;
    hss_usb_port_transfer_complete(fake->usb, address, actual, result);
}

void fake_host_out(fake_port_t *fake, uint8_t address, const uint8_t *data, size_t length)
{
    fake_transfer_t *t = &fake->transfers[fake_slot(address)];
    assert_true(t->pending);
    assert_true(length <= t->length);
    if (length > 0u) {
        memcpy(t->buffer, data, length);
    }
    fake_complete(fake, address, length, HSS_USB_TRANSFER_OK);
}

size_t fake_host_in(fake_port_t *fake, uint8_t address, uint8_t *out, size_t capacity)
{
    fake_transfer_t *t = &fake->transfers[fake_slot(address)];
    assert_true(t->pending);
    size_t length = t->length;
    assert_true(length <= capacity);
    if (length > 0u) {
        memcpy(out, t->buffer, length);
    }
    fake_complete(fake, address, length, HSS_USB_TRANSFER_OK);
    return length;
}

size_t fake_count(const fake_port_t *fake, fake_call_kind_t kind, uint8_t address)
{
    size_t n = 0;
    for (size_t i = 0; i < fake->call_count; i++) {
        if (fake->calls[i].kind == kind && (address == 0xFFu || fake->calls[i].address == address)) {
            n++;
        }
    }
    return n;
}
