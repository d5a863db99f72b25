/* The command pipe: one command packet per interrupt transfer, bounded queues, back-pressure, arming rules. */
#include "fake_port.h"
#include "test_blobs.h"
#include "test_main.h"

#define INT_IN 0x82u
#define INT_OUT 0x02u

static blob_writer_t w;
static fake_port_t fake;

static int open_up(void **state)
{
    (void)state;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, true);
    fake_open(&fake, w.bytes, w.length, 3, 2048, 2048);
    fake_enumerate(&fake, HSS_USB_SPEED_HIGH);
    return 0;
}

static int close_fake(void **state)
{
    (void)state;
    fake_port_free(&fake);
    return 0;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + i);
    }
}

static void interrupt_out_is_armed_for_one_whole_command(void **state)
{
    (void)state;
    assert_true(fake_pending(&fake, INT_OUT));
    assert_int_equal(fake_pending_length(&fake, INT_OUT), HSS_USB_COMMAND_MAX);
}

static void each_out_transfer_is_one_command(void **state)
{
    (void)state;
    uint8_t a[12], b[64], out[64];
    fill(a, sizeof(a), 1);
    fill(b, sizeof(b), 100);
    fake.woken = 0;
    fake_host_out(&fake, INT_OUT, a, sizeof(a));
    assert_true((fake.woken & HSS_USB_EVENT_COMMAND_READABLE) != 0u);
    assert_true(fake_pending(&fake, INT_OUT)); /* re-armed: room for more */
    fake_host_out(&fake, INT_OUT, b, sizeof(b));
    assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 12);
    assert_memory_equal(out, a, 12);
    assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 64);
    assert_memory_equal(out, b, 64);
    assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 0);
}

static void read_into_a_small_buffer_keeps_the_packet(void **state)
{
    (void)state;
    uint8_t a[20], out[64];
    fill(a, sizeof(a), 7);
    fake_host_out(&fake, INT_OUT, a, sizeof(a));
    assert_int_equal(hss_usb_read_command(fake.usb, out, 19), HSS_USB_ERR_TOO_LARGE);
    assert_int_equal(hss_usb_read_command(fake.usb, out, 20), 20);
    assert_memory_equal(out, a, 20);
}

static void full_queue_backpressures_interrupt_out(void **state)
{
    (void)state;
    uint8_t a[16], out[64];
    for (uint8_t i = 0; i < 3; i++) {
        fill(a, sizeof(a), (uint8_t)(i * 16));
        fake_host_out(&fake, INT_OUT, a, sizeof(a));
    }
    /* Three queued, queue of three: the endpoint is left NAKing, nothing dropped. */
    assert_false(fake_pending(&fake, INT_OUT));
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.command_out_backpressure, 1);
    assert_int_equal(stats.commands_dropped, 0);
    assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 16);
    assert_int_equal(out[0], 0);
    assert_true(fake_pending(&fake, INT_OUT)); /* a slot is free again */
    fill(a, sizeof(a), 48);
    fake_host_out(&fake, INT_OUT, a, sizeof(a));
    for (uint8_t i = 1; i < 4; i++) {
        assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 16);
        assert_int_equal(out[0], i * 16); /* in order */
    }
}

static void empty_and_failed_out_transfers_are_no_commands(void **state)
{
    (void)state;
    uint8_t out[64];
    fake_host_out(&fake, INT_OUT, NULL, 0);
    assert_true(fake_pending(&fake, INT_OUT));
    fake_complete(&fake, INT_OUT, 10, HSS_USB_TRANSFER_FAILED);
    assert_true(fake_pending(&fake, INT_OUT));
    assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 0);
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.commands_dropped, 2);
    assert_int_equal(stats.transfers_failed, 1);
}

static void completion_larger_than_asked_is_not_trusted(void **state)
{
    (void)state;
    uint8_t out[64];
    fake_complete(&fake, INT_OUT, HSS_USB_COMMAND_MAX + 1u, HSS_USB_TRANSFER_OK);
    assert_int_equal(hss_usb_read_command(fake.usb, out, sizeof(out)), 0);
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.port_errors, 1);
}

static void interrupt_in_is_armed_only_when_a_command_is_queued(void **state)
{
    (void)state;
    assert_false(fake_pending(&fake, INT_IN));
    assert_int_equal(fake_count(&fake, FAKE_TRANSFER, INT_IN), 0);
    uint8_t a[30], in[64];
    fill(a, sizeof(a), 3);
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 30);
    assert_true(fake_pending(&fake, INT_IN));
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 30);
    assert_memory_equal(in, a, 30);
    assert_false(fake_pending(&fake, INT_IN));
}

static void each_in_transfer_is_one_command_in_order(void **state)
{
    (void)state;
    uint8_t a[12], b[64], in[64];
    fill(a, sizeof(a), 1);
    fill(b, sizeof(b), 50);
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 12);
    assert_int_equal(hss_usb_write_command(fake.usb, b, sizeof(b)), 64);
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 12);
    assert_memory_equal(in, a, 12);
    /* A 64-byte command fills the host's 64-byte read: no zero-length packet after it. */
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 64);
    assert_memory_equal(in, b, 64);
    assert_false(fake_pending(&fake, INT_IN));
}

static void full_in_queue_takes_nothing_until_a_transfer_completes(void **state)
{
    (void)state;
    uint8_t a[12] = {0}, in[64];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 12);
    }
    assert_int_equal(hss_usb_ready(fake.usb) & HSS_USB_EVENT_COMMAND_WRITABLE, 0);
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 0);
    fake.woken = 0;
    fake_host_in(&fake, INT_IN, in, sizeof(in));
    assert_true((fake.woken & HSS_USB_EVENT_COMMAND_WRITABLE) != 0u);
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 12);
}

static void write_checks_its_arguments(void **state)
{
    (void)state;
    uint8_t a[65] = {0};
    assert_int_equal(hss_usb_write_command(fake.usb, a, 65), HSS_USB_ERR_TOO_LARGE);
    assert_int_equal(hss_usb_write_command(fake.usb, a, 0), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_write_command(fake.usb, NULL, 4), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_read_command(fake.usb, NULL, 64), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_read_command(fake.usb, a, 0), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_write_command(NULL, a, 4), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_read_command(NULL, a, 4), HSS_USB_ERR_NOT_OPEN);
}

static void failed_in_transfer_sends_the_same_command_again(void **state)
{
    (void)state;
    uint8_t a[12], in[64];
    fill(a, sizeof(a), 9);
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 12);
    fake_complete(&fake, INT_IN, 0, HSS_USB_TRANSFER_CANCELLED);
    assert_true(fake_pending(&fake, INT_IN));
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 12);
    assert_memory_equal(in, a, 12);
    assert_false(fake_pending(&fake, INT_IN));
}

static void port_refusing_a_transfer_is_retried_later(void **state)
{
    (void)state;
    uint8_t a[12] = {1}, in[64];
    fake.fail_transfers = 1;
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 12);
    assert_false(fake_pending(&fake, INT_IN));
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), 12); /* the next write tries again */
    assert_true(fake_pending(&fake, INT_IN));
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 12);
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 12);
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.port_errors, 1);
}

static void ready_reports_the_command_pipe(void **state)
{
    (void)state;
    uint8_t a[12] = {0};
    assert_int_equal(hss_usb_ready(fake.usb) & (HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_COMMAND_WRITABLE),
                     HSS_USB_EVENT_COMMAND_WRITABLE);
    fake_host_out(&fake, INT_OUT, a, sizeof(a));
    assert_true((hss_usb_ready(fake.usb) & HSS_USB_EVENT_COMMAND_READABLE) != 0u);
    assert_true((hss_usb_ready(fake.usb) & HSS_USB_EVENT_LINK_CHANGED) == 0u);
}

/* Interrupt endpoints of 8 bytes: a 16-byte command is two full packets, so a ZLP ends it for a 64-byte read. */
static void short_interrupt_packets_end_with_a_zlp(void **state)
{
    (void)state;
    fake_port_free(&fake);
    fake_port_init(&fake);
    uint8_t d[256];
    const uint8_t device[18] = {18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x09, 0x12, 1, 0, 0, 1, 0, 0, 0, 1};
    size_t n = test_configuration(d, 2, PROFILE_VENDOR, 64);
    d[36] = 8; /* interrupt IN wMaxPacketSize (config 9, interface 9, bulk pair 14, then +4) */
    d[43] = 8; /* interrupt OUT */
    blob_begin(&w);
    blob_add(&w, 1, 0, 0, 0, device, sizeof(device));
    blob_add(&w, 2, 0, 0, 1, d, n);
    blob_finish(&w);
    fake_open(&fake, w.bytes, w.length, 3, 1024, 1024);
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    assert_int_equal(fake_pending_length(&fake, INT_OUT), 64); /* eight packets of 8 */
    uint8_t a[16] = {0}, in[64];
    assert_int_equal(hss_usb_write_command(fake.usb, a, 16), 16);
    assert_int_equal(hss_usb_write_command(fake.usb, a, 12), 12);
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 16);
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 0); /* the ZLP */
    assert_int_equal(fake_host_in(&fake, INT_IN, in, sizeof(in)), 12); /* short: no ZLP */
    assert_false(fake_pending(&fake, INT_IN));
}

static void single_pipe_has_no_command_pipe(void **state)
{
    (void)state;
    fake_port_free(&fake);
    fake_port_init(&fake);
    test_blob(&w, PROFILE_SINGLE, false);
    fake_open(&fake, w.bytes, w.length, 3, 1024, 1024);
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t a[12] = {0};
    assert_int_equal(fake_count(&fake, FAKE_OPEN, 0xFF), 2);
    assert_int_equal(hss_usb_write_command(fake.usb, a, sizeof(a)), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_read_command(fake.usb, a, sizeof(a)), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_ready(fake.usb) & (HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_COMMAND_WRITABLE), 0);
    /* Link-down: only the data pipe reports the reset. */
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    assert_int_equal(hss_usb_read_command(fake.usb, a, sizeof(a)), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_read_data(fake.usb, a, sizeof(a)), HSS_USB_ERR_LINK_RESET);
}

#define T(name) cmocka_unit_test_setup_teardown(name, open_up, close_fake)

static const struct CMUnitTest tests[] = {
    T(interrupt_out_is_armed_for_one_whole_command),
    T(each_out_transfer_is_one_command),
    T(read_into_a_small_buffer_keeps_the_packet),
    T(full_queue_backpressures_interrupt_out),
    T(empty_and_failed_out_transfers_are_no_commands),
    T(completion_larger_than_asked_is_not_trusted),
    T(interrupt_in_is_armed_only_when_a_command_is_queued),
    T(each_in_transfer_is_one_command_in_order),
    T(full_in_queue_takes_nothing_until_a_transfer_completes),
    T(write_checks_its_arguments),
    T(failed_in_transfer_sends_the_same_command_again),
    T(port_refusing_a_transfer_is_retried_later),
    T(ready_reports_the_command_pipe),
    T(short_interrupt_packets_end_with_a_zlp),
    T(single_pipe_has_no_command_pipe),
};

TEST_MAIN("command_pipe", tests)
