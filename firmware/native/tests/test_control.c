/* Endpoint 0: every Chapter 9 request the function answers, the MS OS 2.0 vendor request, and what STALLs. */
#include "fake_port.h"
#include "test_blobs.h"
#include "test_main.h"

static blob_writer_t w;
static fake_port_t fake;

static int open_vendor_hs(void **state)
{
    (void)state;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, true);
    fake_open(&fake, w.bytes, w.length, 4, 2048, 2048);
    return 0;
}

static int open_vendor_fs(void **state)
{
    (void)state;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, false);
    fake_open(&fake, w.bytes, w.length, 4, 2048, 2048);
    return 0;
}

static int open_cdc_hs(void **state)
{
    (void)state;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_CDC, true);
    fake_open(&fake, w.bytes, w.length, 4, 2048, 2048);
    return 0;
}

static int close_fake(void **state)
{
    (void)state;
    fake_port_free(&fake);
    return 0;
}

static const uint8_t *data;
static size_t length;

static hss_usb_control_result_t get_descriptor(uint8_t type, uint8_t index, uint16_t language, uint16_t w_length)
{
    data = NULL;
    length = 0;
    return fake_setup(&fake, 0x80, 6, (uint16_t)((type << 8) | index), language, w_length, &data, &length);
}

static hss_usb_control_result_t request(uint8_t type, uint8_t req, uint16_t value, uint16_t index, uint16_t w_length)
{
    data = NULL;
    length = 0;
    return fake_setup(&fake, type, req, value, index, w_length, &data, &length);
}

static void device_descriptor_is_served_and_capped_at_wlength(void **state)
{
    (void)state;
    assert_int_equal(get_descriptor(1, 0, 0, 64), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 18);
    assert_int_equal(data[0], 18);
    assert_int_equal(data[1], 1);
    assert_int_equal(get_descriptor(1, 0, 0, 8), HSS_USB_CONTROL_DATA); /* the first read of an enumeration */
    assert_int_equal(length, 8);
    assert_int_equal(data[7], 64);
    assert_int_equal(get_descriptor(1, 0, 0, 0), HSS_USB_CONTROL_ACK); /* wLength 0: no data stage */
    assert_int_equal(length, 0);
}

static void configuration_follows_the_operating_speed(void **state)
{
    (void)state;
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    assert_int_equal(get_descriptor(2, 0, 0, 0xFFFF), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 46);
    assert_int_equal(data[1], 2);
    assert_int_equal(data[9 + 9 + 4], 64); /* bulk IN wMaxPacketSize at full speed */
    assert_int_equal(get_descriptor(2, 0, 0, 9), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 9);

    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_HIGH);
    assert_int_equal(get_descriptor(2, 0, 0, 0xFFFF), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[9 + 9 + 4] | (data[9 + 9 + 5] << 8), 512);
    assert_int_equal(get_descriptor(2, 1, 0, 0xFFFF), HSS_USB_CONTROL_STALL); /* one configuration only */
}

static void other_speed_configuration_describes_the_other_speed(void **state)
{
    (void)state;
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_HIGH);
    assert_int_equal(get_descriptor(7, 0, 0, 0xFFFF), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[1], 7);
    assert_int_equal(data[9 + 9 + 4], 64); /* at high speed the other speed is full speed */
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_FULL);
    assert_int_equal(get_descriptor(7, 0, 0, 0xFFFF), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[9 + 9 + 4] | (data[9 + 9 + 5] << 8), 512);
}

static void device_qualifier_is_served_by_a_high_speed_device(void **state)
{
    (void)state;
    assert_int_equal(get_descriptor(6, 0, 0, 10), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 10);
    assert_int_equal(data[1], 6);
}

static void full_speed_device_stalls_qualifier_and_other_speed(void **state)
{
    (void)state;
    /* USB 2.0 9.6.2: a full-speed-only device answers GET_DESCRIPTOR(DEVICE_QUALIFIER) with a request error. */
    assert_int_equal(get_descriptor(6, 0, 0, 10), HSS_USB_CONTROL_STALL);
    assert_int_equal(get_descriptor(7, 0, 0, 0xFFFF), HSS_USB_CONTROL_STALL);
    assert_null(data);
    assert_int_equal(length, 0);
}

static void strings_by_index_and_language(void **state)
{
    (void)state;
    assert_int_equal(get_descriptor(3, 0, 0, 255), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 4);
    assert_int_equal(data[2] | (data[3] << 8), 0x0409);
    assert_int_equal(get_descriptor(3, 2, 0x0409, 255), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 2 + 2 * 10); /* "Test board" */
    assert_int_equal(data[2], 'T');
    /* Another language: the one text there is. */
    assert_int_equal(get_descriptor(3, 2, 0x0407, 255), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[2], 'T');
    assert_int_equal(get_descriptor(3, 2, 0x0409, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 2);
    assert_int_equal(get_descriptor(3, 3, 0x0409, 255), HSS_USB_CONTROL_STALL); /* no serial number string */
    assert_int_equal(get_descriptor(3, 0xEE, 0, 255), HSS_USB_CONTROL_STALL);   /* no MS OS 1.0 string */
}

static void bos_is_served(void **state)
{
    (void)state;
    assert_int_equal(get_descriptor(15, 0, 0, 5), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 5);
    assert_int_equal(get_descriptor(15, 0, 0, 0xFFFF), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 33);
}

static void other_descriptor_types_stall(void **state)
{
    (void)state;
    assert_int_equal(get_descriptor(4, 0, 0, 9), HSS_USB_CONTROL_STALL);  /* interface */
    assert_int_equal(get_descriptor(5, 0, 0, 7), HSS_USB_CONTROL_STALL);  /* endpoint */
    assert_int_equal(get_descriptor(0x21, 0, 0, 9), HSS_USB_CONTROL_STALL); /* HID */
    assert_int_equal(get_descriptor(0xF0, 1, 0, 255), HSS_USB_CONTROL_STALL); /* the MS OS set is no descriptor */
    /* GET_DESCRIPTOR as host-to-device. */
    assert_int_equal(request(0x00, 6, 0x0100, 0, 0), HSS_USB_CONTROL_STALL);
}

static void ms_os_20_vendor_request(void **state)
{
    (void)state;
    assert_int_equal(request(0xC0, TEST_VENDOR_CODE, 0, 7, 0xFFFF), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, TEST_MS_OS_SET_LENGTH);
    assert_int_equal(data[0], 10);
    assert_int_equal(request(0xC0, TEST_VENDOR_CODE, 0, 7, 10), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 10);
    assert_int_equal(request(0xC0, TEST_VENDOR_CODE, 0, 8, 0xFFFF), HSS_USB_CONTROL_STALL); /* wIndex not 7 */
    assert_int_equal(request(0xC0, TEST_VENDOR_CODE + 1, 0, 7, 0xFFFF), HSS_USB_CONTROL_STALL); /* other code */
    assert_int_equal(request(0x40, TEST_VENDOR_CODE, 0, 7, 0), HSS_USB_CONTROL_STALL);     /* host-to-device */
    assert_int_equal(request(0xC1, TEST_VENDOR_CODE, 0, 7, 0xFFFF), HSS_USB_CONTROL_STALL); /* to an interface */
}

static void set_and_get_configuration(void **state)
{
    (void)state;
    assert_int_equal(request(0x80, 8, 0, 0, 1), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 1);
    assert_int_equal(data[0], 0);
    assert_int_equal(request(0x00, 9, 1, 0, 0), HSS_USB_CONTROL_ACK);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_UP);
    assert_int_equal(request(0x80, 8, 0, 0, 1), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 1);
    assert_int_equal(request(0x00, 9, 2, 0, 0), HSS_USB_CONTROL_STALL); /* no such configuration */
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_UP);
    assert_int_equal(request(0x00, 9, 0x0101, 0, 0), HSS_USB_CONTROL_STALL); /* upper byte reserved */
    assert_int_equal(request(0x00, 9, 0, 0, 0), HSS_USB_CONTROL_ACK);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    assert_int_equal(request(0x80, 8, 0, 0, 1), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 0);
}

static void set_configuration_stalls_when_an_endpoint_fails_to_open(void **state)
{
    (void)state;
    fake.fail_open_address = 0x82;
    assert_int_equal(request(0x00, 9, 1, 0, 0), HSS_USB_CONTROL_STALL);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
    /* The ones that did open were closed again. */
    for (size_t i = 0; i < 32u; i++) {
        assert_false(fake.open[i]);
    }
    hss_usb_stats_t stats;
    assert_int_equal(hss_usb_stats(fake.usb, &stats), HSS_USB_OK);
    assert_int_equal(stats.port_errors, 1);
    fake.fail_open_address = 0;
    assert_int_equal(request(0x00, 9, 1, 0, 0), HSS_USB_CONTROL_ACK);
}

static void get_status_of_device_interface_and_endpoint(void **state)
{
    (void)state;
    assert_int_equal(request(0x80, 0, 0, 0, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 2);
    assert_int_equal(data[0], 0); /* bus-powered (bmAttributes 0x80), no remote wakeup */
    assert_int_equal(data[1], 0);
    /* Interface and endpoint status exist only once configured. */
    assert_int_equal(request(0x81, 0, 0, 0, 2), HSS_USB_CONTROL_STALL);
    assert_int_equal(request(0x82, 0, 0, 0x81, 2), HSS_USB_CONTROL_STALL);
    assert_int_equal(request(0x82, 0, 0, 0x00, 2), HSS_USB_CONTROL_DATA); /* endpoint 0 always */
    assert_int_equal(request(0x82, 0, 0, 0x80, 2), HSS_USB_CONTROL_DATA);
    fake_enumerate(&fake, HSS_USB_SPEED_HIGH);
    assert_int_equal(request(0x81, 0, 0, 0, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 0);
    assert_int_equal(request(0x81, 0, 0, 1, 2), HSS_USB_CONTROL_STALL); /* no interface 1 */
    assert_int_equal(request(0x82, 0, 0, 0x81, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 0);
    assert_int_equal(request(0x82, 0, 0, 0x83, 2), HSS_USB_CONTROL_STALL); /* no endpoint 0x83 */
    assert_int_equal(request(0x82, 0, 0, 0x0181, 2), HSS_USB_CONTROL_STALL); /* upper byte of wIndex set */
}

static void halt_feature_sets_reports_and_clears_the_stall(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    assert_int_equal(request(0x02, 3, 0, 0x81, 0), HSS_USB_CONTROL_ACK); /* SET_FEATURE(ENDPOINT_HALT) */
    assert_true(fake.stalled[fake_slot(0x81)]);
    assert_int_equal(request(0x82, 0, 0, 0x81, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 1);
    /* While halted the IN endpoint is not armed, even with data queued. */
    uint8_t bytes[10] = {0};
    assert_int_equal(hss_usb_write_data(fake.usb, bytes, sizeof(bytes), true), 10);
    assert_false(fake_pending(&fake, 0x81));
    assert_int_equal(request(0x02, 1, 0, 0x81, 0), HSS_USB_CONTROL_ACK); /* CLEAR_FEATURE(ENDPOINT_HALT) */
    assert_false(fake.stalled[fake_slot(0x81)]);
    assert_int_equal(request(0x82, 0, 0, 0x81, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 0);
    assert_true(fake_pending(&fake, 0x81)); /* held-back data leaves now */
    assert_int_equal(fake_pending_length(&fake, 0x81), 10);
    /* CLEAR_FEATURE on an endpoint that is not halted still reaches the port (it resets the data toggle). */
    size_t stalls = fake_count(&fake, FAKE_STALL, 0x02);
    assert_int_equal(request(0x02, 1, 0, 0x02, 0), HSS_USB_CONTROL_ACK);
    assert_int_equal(fake_count(&fake, FAKE_STALL, 0x02), stalls + 1u);
}

static void halt_feature_on_bad_targets_stalls(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    assert_int_equal(request(0x02, 3, 0, 0x00, 0), HSS_USB_CONTROL_STALL); /* endpoint 0 */
    assert_int_equal(request(0x02, 3, 0, 0x85, 0), HSS_USB_CONTROL_STALL); /* no such endpoint */
    assert_int_equal(request(0x02, 3, 1, 0x81, 0), HSS_USB_CONTROL_STALL); /* feature 1 is no endpoint feature */
    assert_int_equal(request(0x00, 3, 1, 0, 0), HSS_USB_CONTROL_STALL);    /* DEVICE_REMOTE_WAKEUP: not claimed */
    assert_int_equal(request(0x00, 3, 2, 0x0100, 0), HSS_USB_CONTROL_STALL); /* TEST_MODE */
    assert_int_equal(request(0x00, 1, 1, 0, 0), HSS_USB_CONTROL_STALL);
    assert_int_equal(request(0x01, 3, 0, 0, 0), HSS_USB_CONTROL_STALL); /* interface features: none */
}

static void set_interface_accepts_alternate_zero_only(void **state)
{
    (void)state;
    assert_int_equal(request(0x01, 11, 0, 0, 0), HSS_USB_CONTROL_STALL); /* not configured */
    fake_enumerate(&fake, HSS_USB_SPEED_FULL);
    assert_int_equal(request(0x02, 3, 0, 0x01, 0), HSS_USB_CONTROL_ACK); /* halt bulk OUT */
    assert_int_equal(request(0x01, 11, 0, 0, 0), HSS_USB_CONTROL_ACK);
    assert_false(fake.stalled[fake_slot(0x01)]); /* 9.4.10: back to defaults */
    assert_int_equal(request(0x82, 0, 0, 0x01, 2), HSS_USB_CONTROL_DATA);
    assert_int_equal(data[0], 0);
    assert_int_equal(request(0x01, 11, 1, 0, 0), HSS_USB_CONTROL_STALL);
    assert_int_equal(request(0x01, 11, 0, 1, 0), HSS_USB_CONTROL_STALL);
    assert_int_equal(request(0x81, 10, 0, 0, 1), HSS_USB_CONTROL_DATA); /* GET_INTERFACE */
    assert_int_equal(length, 1);
    assert_int_equal(data[0], 0);
}

static void set_interface_in_cdc_resets_only_that_interface(void **state)
{
    (void)state;
    fake_enumerate(&fake, HSS_USB_SPEED_HIGH);
    assert_int_equal(request(0x02, 3, 0, 0x81, 0), HSS_USB_CONTROL_ACK);
    assert_int_equal(request(0x02, 3, 0, 0x82, 0), HSS_USB_CONTROL_ACK);
    assert_int_equal(request(0x01, 11, 0, 1, 0), HSS_USB_CONTROL_ACK); /* the data interface: bulk pair */
    assert_false(fake.stalled[fake_slot(0x81)]);
    assert_true(fake.stalled[fake_slot(0x82)]);
    assert_int_equal(request(0x01, 11, 0, 0, 0), HSS_USB_CONTROL_ACK); /* the communications interface */
    assert_false(fake.stalled[fake_slot(0x82)]);
    assert_int_equal(request(0x81, 0, 0, 1, 2), HSS_USB_CONTROL_DATA);
}

static void set_address_is_acknowledged_for_the_controller(void **state)
{
    (void)state;
    assert_int_equal(request(0x00, 5, 7, 0, 0), HSS_USB_CONTROL_ACK);
    assert_int_equal(request(0x00, 5, 128, 0, 0), HSS_USB_CONTROL_STALL);
}

static void everything_else_stalls_and_is_counted(void **state)
{
    (void)state;
    hss_usb_stats_t before;
    assert_int_equal(hss_usb_stats(fake.usb, &before), HSS_USB_OK);
    assert_int_equal(request(0x21, 0x20, 0, 0, 7), HSS_USB_CONTROL_STALL); /* CDC SET_LINE_CODING */
    assert_int_equal(request(0xA1, 0x21, 0, 0, 7), HSS_USB_CONTROL_STALL); /* CDC GET_LINE_CODING */
    assert_int_equal(request(0x00, 7, 0x0100, 0, 18), HSS_USB_CONTROL_STALL); /* SET_DESCRIPTOR */
    assert_int_equal(request(0x82, 12, 0, 0x81, 2), HSS_USB_CONTROL_STALL);  /* SYNCH_FRAME */
    assert_int_equal(request(0x80, 0xFF, 0, 0, 2), HSS_USB_CONTROL_STALL);
    assert_int_equal(request(0xE0, 0, 0, 0, 2), HSS_USB_CONTROL_STALL); /* reserved type */
    assert_int_equal(request(0x83, 0, 0, 0, 2), HSS_USB_CONTROL_STALL); /* recipient "other" */
    assert_int_equal(request(0x00, 9, 1, 0, 4), HSS_USB_CONTROL_STALL); /* an OUT data stage nothing expects */
    hss_usb_stats_t after;
    assert_int_equal(hss_usb_stats(fake.usb, &after), HSS_USB_OK);
    assert_int_equal(after.control_stalls, before.control_stalls + 8u);
    assert_int_equal(hss_usb_link_state(fake.usb), HSS_USB_LINK_DOWN);
}

static void control_after_close_stalls(void **state)
{
    (void)state;
    hss_usb_t *usb = fake.usb;
    hss_usb_close(usb);
    uint8_t setup[8] = {0x80, 6, 0, 1, 0, 0, 18, 0};
    const uint8_t *d = NULL;
    size_t n = 0;
    assert_int_equal(hss_usb_port_control(usb, setup, &d, &n), HSS_USB_CONTROL_STALL);
    assert_int_equal(hss_usb_port_control(NULL, setup, &d, &n), HSS_USB_CONTROL_STALL);
    assert_null(hss_usb_port_descriptor(usb, 1, 0, 0, &n));
    fake.usb = NULL;
}

static void descriptor_lookup_for_stacks_that_answer_chapter_9(void **state)
{
    (void)state;
    size_t n = 0;
    const uint8_t *d = hss_usb_port_descriptor(fake.usb, 1, 0, 0, &n);
    assert_non_null(d);
    assert_int_equal(n, 18);
    hss_usb_port_bus_reset(fake.usb, HSS_USB_SPEED_HIGH);
    d = hss_usb_port_descriptor(fake.usb, 2, 0, 0, &n);
    assert_int_equal(d[9 + 9 + 4] | (d[9 + 9 + 5] << 8), 512);
    d = hss_usb_port_descriptor(fake.usb, 7, 0, 0, &n);
    assert_int_equal(d[9 + 9 + 4], 64);
    d = hss_usb_port_descriptor(fake.usb, 0xF0, TEST_VENDOR_CODE, 0, &n);
    assert_non_null(d);
    assert_int_equal(n, TEST_MS_OS_SET_LENGTH);
    assert_null(hss_usb_port_descriptor(fake.usb, 3, 9, 0x0409, &n));
    assert_int_equal(n, 0);
    assert_null(hss_usb_port_descriptor(fake.usb, 1, 0, 0, NULL));
}

#define T(name, setup) cmocka_unit_test_setup_teardown(name, setup, close_fake)

static const struct CMUnitTest tests[] = {
    T(device_descriptor_is_served_and_capped_at_wlength, open_vendor_hs),
    T(configuration_follows_the_operating_speed, open_vendor_hs),
    T(other_speed_configuration_describes_the_other_speed, open_vendor_hs),
    T(device_qualifier_is_served_by_a_high_speed_device, open_vendor_hs),
    T(full_speed_device_stalls_qualifier_and_other_speed, open_vendor_fs),
    T(strings_by_index_and_language, open_vendor_hs),
    T(bos_is_served, open_vendor_hs),
    T(other_descriptor_types_stall, open_vendor_hs),
    T(ms_os_20_vendor_request, open_vendor_hs),
    T(set_and_get_configuration, open_vendor_hs),
    T(set_configuration_stalls_when_an_endpoint_fails_to_open, open_vendor_hs),
    T(get_status_of_device_interface_and_endpoint, open_vendor_hs),
    T(halt_feature_sets_reports_and_clears_the_stall, open_vendor_fs),
    T(halt_feature_on_bad_targets_stalls, open_vendor_fs),
    T(set_interface_accepts_alternate_zero_only, open_vendor_fs),
    T(set_interface_in_cdc_resets_only_that_interface, open_cdc_hs),
    T(set_address_is_acknowledged_for_the_controller, open_vendor_fs),
    T(everything_else_stalls_and_is_counted, open_vendor_fs),
    T(control_after_close_stalls, open_vendor_fs),
    T(descriptor_lookup_for_stacks_that_answer_chapter_9, open_vendor_hs),
};

TEST_MAIN("control", tests)
