/* Link state: up on SET_CONFIGURATION(1), down on reset, SET_CONFIGURATION(0), disconnect and close; suspend keeps
   it; link-down mid-transfer; each pipe reports LINK_RESET once; nothing of the old link is delivered. */
#include "fake_port.h"
#include "test_blobs.h"
#include "test_main.h"

#define BULK_IN 0x81u
#define BULK_OUT 0x01u
#define INT_IN 0x82u
#define INT_OUT 0x02u

static blob_writer_t w;
static fake_port_t fake;
static uint8_t buffer[4096];

static int open_down(void **state)
{
    (void)state;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, true);
    fake_open(&fake, w.bytes, w.length, 4, 2048, 2048);
    return 0;
}

static int close_fake(void **state)
{
    (void)state;
    fake_port_free(&fake);
    return 0;
}

static void open_connects_and_starts_down(void **state)
{
    (void)state;
    assert_true(fake.connected);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    assert_int_equal(fake_count(&fake, FAKE_OPEN, 0xFF), 0);
    assert_int_equal(hss_usb_write_data(fake.usb, buffer, 4, true), HSS_USB_ERR_LINK_DOWN);
    assert_int_equal(hss_usb_write_command(fake.usb, buffer, 4), HSS_USB_ERR_LINK_DOWN);
    /* Never up yet: no reset to report, just nothing to read. */
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 4), 0);
    assert_int_equal(hss_usb_read_command(fake.usb, buffer, 64), 0);
    assert_int_equal(hss_usb_ready(fake.usb), 0);
}

static void set_configuration_opens_the_endpoints_of_the_speed(void **state)
{
    (void)state;
    fake.woken = 0;
    fake_enumerate(&fake, HSS_USB_SPEED_HIGH);
    assert_true((fake.woken & HSS_USB_EVENT_LINK_CHANGED) != 0u);
    assert_int_equal(fake_count(&fake, FAKE_OPEN, 0xFF), 4);
    for (size_t i = 0; i < fake.call_count; i++) {
        if (fake.calls[i].kind == FAKE_OPEN) {
            bool bulk = (fake.calls[i].address & 0x7Fu) == 1u;
            assert_int_equal(fake.calls[i].type, bulk ? HSS_USB_EP_BULK : HSS_USB_EP_INTERRUPT);
            assert_int_equal(fake.calls[i].max_packet, bulk ? 512 : 64);
        }
    }
    /* OUT endpoints armed at once, IN endpoints not (nothing queued). */
    assert_true(fake_pending(&fake, BULK_OUT));
    assert_true(fake_pending(&fake, INT_OUT));
    assert_false(fake_pending(&fake, BULK_IN));
    assert_false(fake_pending(&fake, INT_IN));
    assert_int_equal(hss_usb_ready(fake.usb), HSS_USB_EVENT_COMMAND_WRITABLE | HSS_USB_EVENT_DATA_WRITABLE);
}

static void set_configuration_again_keeps_the_session(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t a[5] = {1, 2, 3, 4, 5};
    fake_host_out(&fake, BULK_OUT, a, 5);
    assert_int_equal(fake_setup(&fake, 0x02, 3, 0, 0x81, 0, NULL, NULL), HSS_USB_CONTROL_ACK); /* halt */
    assert_int_equal(fake_setup(&fake, 0x00, 9, 1, 0, 0, NULL, NULL), HSS_USB_CONTROL_ACK);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_UP);
    assert_false(fake.stalled[fake_slot(0x81)]); /* 9.1.1.5: endpoints back to their defaults */
    assert_int_equal(fake_count(&fake, FAKE_OPEN, 0xFF), 4); /* not reopened */
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 10), 5);
}

static void bus_reset_takes_the_link_down_and_reports_once_per_pipe(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    fake.woken = 0;
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    assert_int_equal(fake.woken & (HSS_USB_EVENT_LINK_CHANGED | HSS_USB_EVENT_COMMAND_READABLE |
                                   HSS_USB_EVENT_DATA_READABLE),
                     HSS_USB_EVENT_LINK_CHANGED | HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_DATA_READABLE);
    assert_int_equal(fake_count(&fake, FAKE_CLOSE, 0xFF), 4);
    for (size_t i = 0; i < 32u; i++) {
        assert_false(fake.open[i]);
    }
    assert_int_equal(hss_usb_ready(fake.usb), HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_DATA_READABLE);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 10), HSS_USB_ERR_LINK_RESET);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 10), 0);
    assert_int_equal(hss_usb_read_command(fake.usb, buffer, 64), HSS_USB_ERR_LINK_RESET);
    assert_int_equal(hss_usb_read_command(fake.usb, buffer, 64), 0);
    assert_int_equal(hss_usb_write_data(fake.usb, buffer, 4, true), HSS_USB_ERR_LINK_DOWN);
    assert_int_equal(hss_usb_ready(fake.usb), 0);
    /* A second reset while down reports nothing new. */
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_HIGH);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 10), 0);
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.link_resets, 1);
}

static void queued_bytes_of_the_old_link_are_discarded(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t old[100];
    memset(old, 0xAA, sizeof(old));
    fake_host_out(&fake, BULK_OUT, old, 100);
    fake_host_out(&fake, INT_OUT, old, 20);
    assert_int_equal(hss_usb_write_data(fake.usb, old, 100, false), 100); /* 64 in flight, 36 queued */
    assert_int_equal(hss_usb_write_command(fake.usb, old, 20), 20);
    assert_int_equal(hss_usb_write_command(fake.usb, old, 20), 20);

    assert_int_equal(fake_setup(&fake, 0x00, 9, 0, 0, 0, NULL, NULL), HSS_USB_CONTROL_ACK);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    assert_int_equal(fake_setup(&fake, 0x00, 9, 1, 0, 0, NULL, NULL), HSS_USB_CONTROL_ACK);

    /* The new link: the reset is reported once, then only new bytes. */
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), HSS_USB_ERR_LINK_RESET);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), 0);
    assert_int_equal(hss_usb_read_command(fake.usb, buffer, 64), HSS_USB_ERR_LINK_RESET);
    assert_int_equal(hss_usb_read_command(fake.usb, buffer, 64), 0);
    assert_false(fake_pending(&fake, BULK_IN)); /* nothing old is sent */
    assert_false(fake_pending(&fake, INT_IN));
    uint8_t fresh[3] = {1, 2, 3};
    assert_int_equal(hss_usb_write_data(fake.usb, fresh, 3, true), 3);
    assert_int_equal(fake_host_in(&fake, BULK_IN, buffer, sizeof(buffer)), 3);
    assert_memory_equal(buffer, fresh, 3);
    fake_host_out(&fake, BULK_OUT, fresh, 3);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), 3);
    assert_memory_equal(buffer, fresh, 3);
}

static void transfer_in_flight_at_link_down_completes_with_an_error(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t data[200];
    memset(data, 0x55, sizeof(data));
    assert_int_equal(hss_usb_write_data(fake.usb, data, 200, true), 200);
    assert_true(fake_pending(&fake, BULK_IN));
    uint8_t *in_flight = fake.transfers[fake_slot(BULK_IN)].buffer;
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    /* The port was told to close (its transfer is cancelled); the writer's bytes are gone with the link. */
    assert_false(fake.open[fake_slot(BULK_IN)]);
    assert_int_equal(hss_usb_write_data(fake.usb, data, 10, true), HSS_USB_ERR_LINK_DOWN);
    /* A late completion of the old transfer (a port that reports it anyway) is ignored, even on a new link. */
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    hss_usb_port_transfer_complete(fake.usb, BULK_IN, 200, HSS_USB_TRANSFER_OK);
    (void)in_flight;
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.completions_ignored, 1); /* bulk IN had nothing in flight on the new link */
    assert_false(fake_pending(&fake, BULK_IN));
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), HSS_USB_ERR_LINK_RESET);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), 0);
}

static void out_transfer_completing_after_link_down_delivers_nothing(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    fake_transfer_t t = fake.transfers[fake_slot(BULK_OUT)];
    assert_true(t.pending);
    memset(t.buffer, 0x77, 64);
    hss_usb_port_disconnected(fake.usb);
    hss_usb_port_transfer_complete(fake.usb, BULK_OUT, 64, HSS_USB_TRANSFER_OK);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), HSS_USB_ERR_LINK_RESET);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), 0);
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.completions_ignored, 1);
}

static void disconnect_takes_the_link_down(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    hss_usb_port_disconnected(fake.usb);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    assert_int_equal(fake_setup(&fake, 0x80, 8, 0, 0, 1, NULL, NULL), HSS_USB_CONTROL_DATA);
    fake_enumerate(&fake, HSS_USB_SPEED_FULL); /* plugged in again */
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 10), HSS_USB_ERR_LINK_RESET);
}

static void suspend_keeps_the_link_up(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t a[10] = {0};
    assert_int_equal(hss_usb_write_data(fake.usb, a, 10, true), 10);
    hss_usb_port_suspend(fake.usb);
    assert_true(hss_usb_is_suspended(fake.usb));
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_UP);
    assert_int_equal(fake_count(&fake, FAKE_CLOSE, 0xFF), 0);
    assert_int_equal(hss_usb_write_data(fake.usb, a, 10, true), 10); /* queues as usual */
    hss_usb_port_resume(fake.usb);
    assert_false(hss_usb_is_suspended(fake.usb));
    assert_int_equal(fake_host_in(&fake, BULK_IN, buffer, sizeof(buffer)), 10);
    assert_int_equal(fake_host_in(&fake, BULK_IN, buffer, sizeof(buffer)), 10);
    assert_int_equal(hss_usb_read_data(fake.usb, buffer, 10), 0); /* no reset was reported */
    /* A reset while suspended (a reset-resume) ends it and the link. */
    hss_usb_port_suspend(fake.usb);
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    assert_false(hss_usb_is_suspended(fake.usb));
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
}

static void close_fails_everything_and_wakes_every_waiter(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t a[10] = {0};
    assert_int_equal(hss_usb_write_data(fake.usb, a, 10, true), 10);
    fake.woken = 0;
    hss_usb_t *usb = fake.usb;
    hss_usb_close(usb);
    fake.usb = NULL;
    assert_false(fake.connected);
    assert_int_equal(fake.woken, HSS_USB_EVENT_COMMAND_READABLE | HSS_USB_EVENT_DATA_READABLE |
                                     HSS_USB_EVENT_COMMAND_WRITABLE | HSS_USB_EVENT_DATA_WRITABLE |
                                     HSS_USB_EVENT_LINK_CHANGED);
    for (size_t i = 0; i < 32u; i++) {
        assert_false(fake.open[i]);
    }
    assert_int_equal(hss_usb_read_data(usb, buffer, 10), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_write_data(usb, a, 10, true), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_read_command(usb, buffer, 64), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_write_command(usb, a, 10), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_link_state(usb), HSS_USB_LINK_DOWN);
    assert_int_equal(hss_usb_ready(usb), 0);
    assert_false(hss_usb_is_single_pipe(usb));
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(usb, &stats), HSS_USB_ERR_NOT_OPEN);
    assert_int_equal(hss_usb_port_configured(usb, 1), HSS_USB_ERR_NOT_OPEN);
    /* Port events after close are ignored, a second close does nothing. */
    size_t calls = fake.call_count;
    hss_usb_port_bus_reset(usb, HSS_USB_SPEED_FULL);
    hss_usb_port_transfer_complete(usb, BULK_IN, 10, HSS_USB_TRANSFER_OK);
    hss_usb_port_suspend(usb);
    hss_usb_port_resume(usb);
    hss_usb_port_disconnected(usb);
    hss_usb_close(usb);
    assert_int_equal(fake.call_count, calls);
}

static void configured_hook_for_stacks_that_answer_set_configuration(void **state)
{
    (void)state;
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_HIGH);
    assert_int_equal(hss_usb_port_configured(fake.usb, 2), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    assert_int_equal(hss_usb_port_configured(fake.usb, 1), HSS_USB_OK);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_UP);
    assert_int_equal(fake_pending_length(&fake, BULK_OUT), 2048);
    assert_int_equal(hss_usb_port_configured(fake.usb, 0), HSS_USB_OK);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    fake.fail_open_address = 0x01;
    assert_int_equal(hss_usb_port_configured(fake.usb, 1), HSS_USB_ERR_PORT);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
}

static void full_speed_only_device_cannot_configure_at_high_speed(void **state)
{
    (void)state;
    fake_port_free(&fake);
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, false);
    fake_open(&fake, w.bytes, w.length, 4, 1024, 1024);
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_HIGH);
    assert_int_equal(fake_setup(&fake, 0x00, 9, 1, 0, 0, NULL, NULL), HSS_USB_CONTROL_STALL);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
}

static void wake_is_never_called_under_the_lock(void **state)
{
    (void)state;
    /* Every call above is checked by the fake (fake_port_free asserts no violation); here a busy sequence. */
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    uint8_t a[64] = {0};
    for (int i = 0; i < 10; i++) {
        fake_host_out(&fake, BULK_OUT, a, 64);
        fake_host_out(&fake, INT_OUT, a, 12);
        assert_int_equal(hss_usb_write_data(fake.usb, a, 64, true), 64);
        assert_int_equal(hss_usb_write_command(fake.usb, a, 12), 12);
        fake_host_in(&fake, BULK_IN, buffer, sizeof(buffer));
        fake_host_in(&fake, BULK_IN, buffer, sizeof(buffer));
        fake_host_in(&fake, INT_IN, buffer, sizeof(buffer));
        assert_int_equal(hss_usb_read_data(fake.usb, buffer, sizeof(buffer)), 64);
        assert_int_equal(hss_usb_read_command(fake.usb, buffer, 64), 12);
    }
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    assert_true(fake.wake_count > 0u);
    assert_int_equal(fake.lock_violations, 0);
    assert_int_equal(fake.lock_depth, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, open_down, close_fake)

static const struct CMUnitTest tests[] = {
    T(open_connects_and_starts_down),
    T(set_configuration_opens_the_endpoints_of_the_speed),
    T(set_configuration_again_keeps_the_session),
    T(bus_reset_takes_the_link_down_and_reports_once_per_pipe),
    T(queued_bytes_of_the_old_link_are_discarded),
    T(transfer_in_flight_at_link_down_completes_with_an_error),
    T(out_transfer_completing_after_link_down_delivers_nothing),
    T(disconnect_takes_the_link_down),
    T(suspend_keeps_the_link_up),
    T(close_fails_everything_and_wakes_every_waiter),
    T(configured_hook_for_stacks_that_answer_set_configuration),
    T(full_speed_only_device_cannot_configure_at_high_speed),
    T(wake_is_never_called_under_the_lock),
};

TEST_MAIN("link", tests)
