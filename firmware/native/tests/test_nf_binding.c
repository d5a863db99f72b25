/*
 * The nanoCLR binding's plain-C part (firmware/native/nanoframework/hss_nf_binding.c) over the fake port: what the
 * interop handlers call with arguments straight from managed code. Every offset and count outside the array is an
 * argument error and touches nothing; calls before open say NOT_OPEN; open reopens; the port's wake-ups reach both
 * the port's own wake and the managed side (hss_nf_post_event); bytes land at the caller's offset.
 */
#include "test_main.h"

#include <limits.h>

#include "fake_port.h"
#include "hss_nf_binding.h"
#include "hss_nf_config.h"
#include "test_blobs.h"

#define BULK_OUT 0x01u
#define BULK_IN 0x81u
#define INTERRUPT_OUT 0x02u

static fake_port_t fake;
static uint32_t posted;
static size_t post_count;

/* The board glue the firmware gets from hss_nf_board_*.c, here over the fake port: the fake's own wake still runs
 * (it checks the lock discipline), then the wake the binding passed. */
static void (*board_wake)(uint32_t events);
static hss_usb_port_t board_port;

static void board_wake_adapter(void *context, uint32_t events)
{
    fake.port.wake(context, events);
    board_wake(events);
}

hss_usb_status_t hss_nf_board_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                                   void (*wake)(uint32_t events))
{
    board_wake = wake;
    board_port = fake.port;
    board_port.wake = board_wake_adapter;
    return hss_usb_open(config, memory, memory_size, &board_port, &fake, &fake.usb);
}

void hss_nf_board_close(void)
{
    if (fake.usb != NULL) {
        hss_usb_close(fake.usb);
        fake.usb = NULL;
    }
}

hss_usb_t *hss_nf_board_instance(void)
{
    return fake.usb;
}

void hss_nf_post_event(uint32_t events)
{
    posted |= events;
    post_count++;
}

static blob_writer_t blob;

static int setup(void **state)
{
    (void)state;
    fake_port_init(&fake);
    posted = 0;
    post_count = 0;
    test_blob(&blob, PROFILE_VENDOR, false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hss_nf_close();
    assert_null(fake.usb);
    fake_port_free(&fake);
    return 0;
}

static void open_vendor(void)
{
    assert_int_equal(hss_nf_open(blob.bytes, blob.length, 4, 1024, 1024), HSS_USB_OK);
    assert_non_null(fake.usb);
}

static void calls_before_open_say_not_open(void **state)
{
    (void)state;
    uint8_t buffer[64];
    assert_int_equal(hss_nf_read_command(buffer, sizeof(buffer), 0, 64), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_nf_write_command(buffer, sizeof(buffer), 0, 8), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_nf_read_data(buffer, sizeof(buffer), 0, 64), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_nf_write_data(buffer, sizeof(buffer), 0, 8, true), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_nf_link_state(), HSS_USB_LINK_DOWN);
    assert_int_equal(hss_nf_ready(), 0);
    assert_false(hss_nf_is_single_pipe());
    hss_nf_close(); /* closing what is not open is harmless */
}

/* Offsets and counts come from managed code unchecked: each bad pair is refused before any byte moves. */
static void ranges_outside_the_array_are_refused(void **state)
{
    (void)state;
    static const int32_t pairs[][2] = {
        {-1, 0}, {0, -1}, {0, 65}, {65, 0}, {64, 1}, {1, 64}, {INT32_MAX, 1}, {1, INT32_MAX}, {INT32_MIN, 0},
        {INT32_MAX, INT32_MAX},
    };
    uint8_t buffer[64];
    open_vendor();
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        int32_t offset = pairs[i][0];
        int32_t count = pairs[i][1];
        assert_int_equal(hss_nf_read_command(buffer, sizeof(buffer), offset, count), HSS_USB_ERR_ARGUMENT);
        assert_int_equal(hss_nf_write_command(buffer, sizeof(buffer), offset, count), HSS_USB_ERR_ARGUMENT);
        assert_int_equal(hss_nf_read_data(buffer, sizeof(buffer), offset, count), HSS_USB_ERR_ARGUMENT);
        assert_int_equal(hss_nf_write_data(buffer, sizeof(buffer), offset, count, true), HSS_USB_ERR_ARGUMENT);
    }
    assert_int_equal(hss_nf_read_data(NULL, 0, 0, 0), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_nf_write_data(NULL, 0, 0, 0, false), HSS_USB_ERR_ARGUMENT);
    /* The edges are inside: an empty range at the end, the whole array. */
    assert_int_equal(hss_nf_read_data(buffer, sizeof(buffer), 64, 0) >= HSS_USB_ERR_NOT_OPEN, true);
    assert_int_equal(hss_nf_read_data(buffer, sizeof(buffer), 0, 64), 0);
}

static void open_refuses_bad_sizes(void **state)
{
    (void)state;
    assert_int_equal(hss_nf_open(NULL, 0, 4, 1024, 1024), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_nf_open(blob.bytes, blob.length, -1, 1024, 1024), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_nf_open(blob.bytes, blob.length, 4, -1024, 1024), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_nf_open(blob.bytes, blob.length, 4, 1024, INT32_MIN), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(fake.call_count, 0u);
}

/* More than the static memory holds is NO_MEMORY, not an overrun (ASan would see one). */
static void sizes_beyond_the_static_memory_are_no_memory(void **state)
{
    (void)state;
    assert_int_equal(hss_nf_open(blob.bytes, blob.length, 4, HSS_NF_MEMORY_BYTES, 1024), HSS_USB_ERR_NO_MEMORY);
    assert_int_equal(hss_nf_read_data((uint8_t[8]){0}, 8, 0, 8), HSS_USB_ERR_NOT_OPEN);
}

static void bad_descriptors_leave_it_closed(void **state)
{
    (void)state;
    uint8_t garbage[16] = {'H', 'S', 'S', 'D', 9};
    assert_int_equal(hss_nf_open(garbage, sizeof(garbage), 4, 1024, 1024), HSS_USB_ERR_DESCRIPTORS);
    assert_int_equal(hss_nf_link_state(), HSS_USB_LINK_DOWN);
    assert_int_equal(hss_nf_read_data((uint8_t[8]){0}, 8, 0, 8), HSS_USB_ERR_NOT_OPEN);
}

/* A managed application restarted without Close: the next Open disconnects the old instance first. */
static void open_again_closes_the_old_instance(void **state)
{
    (void)state;
    open_vendor();
    open_vendor();
    size_t connects = 0, disconnects = 0;
    for (size_t i = 0; i < fake.call_count; i++) {
        if (fake.calls[i].kind == FAKE_CONNECT) {
            if (fake.calls[i].flag) {
                connects++;
            } else {
                disconnects++;
            }
        }
    }
    assert_int_equal(connects, 2u);
    assert_int_equal(disconnects, 1u);
}

static void wake_reaches_the_port_and_the_managed_side(void **state)
{
    (void)state;
    open_vendor();
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    assert_true((posted & HSS_USB_EVENT_LINK_CHANGED) != 0u);
    assert_true((fake.woken & HSS_USB_EVENT_LINK_CHANGED) != 0u);
    assert_int_equal(hss_nf_link_state(), HSS_USB_LINK_UP);
    assert_false(hss_nf_is_single_pipe());

    uint8_t bytes[5] = {1, 2, 3, 4, 5};
    posted = 0;
    fake_host_out(&fake, BULK_OUT, bytes, sizeof(bytes));
    assert_true((posted & HSS_USB_EVENT_DATA_READABLE) != 0u);
    assert_true((hss_nf_ready() & (int)HSS_USB_EVENT_DATA_READABLE) != 0);
}

/* Bytes land at the managed array's offset and nowhere else. */
static void data_moves_at_the_callers_offset(void **state)
{
    (void)state;
    open_vendor();
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t bytes[5] = {1, 2, 3, 4, 5};
    fake_host_out(&fake, BULK_OUT, bytes, sizeof(bytes));
    uint8_t array[16];
    memset(array, 0xEE, sizeof(array));
    assert_int_equal(hss_nf_read_data(array, sizeof(array), 10, 6), 5);
    for (size_t i = 0; i < sizeof(array); i++) {
        assert_int_equal(array[i], i >= 10 && i < 15 ? bytes[i - 10] : 0xEE);
    }

    uint8_t out[16] = {0};
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = (uint8_t)(0x40 + i);
    }
    assert_int_equal(hss_nf_write_data(out, sizeof(out), 3, 7, true), 7);
    uint8_t sent[64];
    assert_int_equal(fake_host_in(&fake, BULK_IN, sent, sizeof(sent)), 7u);
    assert_memory_equal(sent, out + 3, 7);
}

static void close_makes_every_call_not_open(void **state)
{
    (void)state;
    open_vendor();
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    hss_nf_close();
    uint8_t buffer[8] = {0};
    assert_int_equal(hss_nf_write_command(buffer, sizeof(buffer), 0, 8), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_nf_link_state(), HSS_USB_LINK_DOWN);
    assert_int_equal(hss_nf_ready(), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

static const struct CMUnitTest tests[] = {
    T(calls_before_open_say_not_open),
    T(ranges_outside_the_array_are_refused),
    T(open_refuses_bad_sizes),
    T(sizes_beyond_the_static_memory_are_no_memory),
    T(bad_descriptors_leave_it_closed),
    T(open_again_closes_the_old_instance),
    T(wake_reaches_the_port_and_the_managed_side),
    T(data_moves_at_the_callers_offset),
    T(close_makes_every_call_not_open),
};

TEST_MAIN("nf_binding", tests)
