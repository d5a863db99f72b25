/* The USB/IP wire format: big-endian fields at their offsets, the device record, descriptor parsing bounds. */
#include "test_main.h"

#include "usbip_wire.h"

/* A vendor-profile-like device: VID 1209, PID 0001, bcdDevice 0100, class 0/0/0, one configuration. */
static const uint8_t device[18] = {18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x09, 0x12, 0x01, 0x00, 0x00, 0x01, 1, 2, 3, 1};

/* Configuration: interface 0 alt 0 (FF/AB/00), interface 0 alt 1 (not listed), interface 1 alt 0 (0A/00/00). */
static const uint8_t configuration[] = {
    9, 2, 36, 0, 2, 1, 0, 0x80, 50,
    9, 4, 0, 0, 0, 0xFF, 0xAB, 0x00, 0,
    9, 4, 0, 1, 0, 0xFF, 0xAB, 0x01, 0,
    9, 4, 1, 0, 0, 0x0A, 0x00, 0x00, 0,
};

static void urb_header_fields_are_big_endian_at_their_offsets(void **state)
{
    (void)state;
    uint8_t raw[USBIP_URB_HEADER_SIZE];
    for (size_t i = 0; i < sizeof(raw); i++) {
        raw[i] = (uint8_t)i;
    }
    usbip_urb_header_t h;
    usbip_urb_header_decode(&h, raw);
    assert_int_equal(h.command, 0x00010203u);
    assert_int_equal(h.seqnum, 0x04050607u);
    assert_int_equal(h.devid, 0x08090A0Bu);
    assert_int_equal(h.direction, 0x0C0D0E0Fu);
    assert_int_equal(h.endpoint, 0x10111213u);
    assert_int_equal(h.transfer_flags, 0x14151617u);
    assert_int_equal(h.transfer_buffer_length, 0x18191A1Bu);
    assert_int_equal(h.number_of_packets, 0x20212223u);
    assert_memory_equal(h.setup, raw + 40, 8);
}

static void ret_submit_and_ret_unlink_carry_negative_status(void **state)
{
    (void)state;
    uint8_t out[USBIP_URB_HEADER_SIZE];
    usbip_ret_submit(out, 0x11223344u, USBIP_EPIPE, 513);
    assert_int_equal(usbip_get_u32(out), USBIP_RET_SUBMIT);
    assert_int_equal(usbip_get_u32(out + 4), 0x11223344u);
    assert_int_equal(usbip_get_u32(out + 8), 0u);
    assert_int_equal(usbip_get_u32(out + 20), 0xFFFFFFE0u); /* -32 */
    assert_int_equal(usbip_get_u32(out + 24), 513u);
    assert_int_equal(usbip_get_u32(out + 32), USBIP_NOT_ISOCHRONOUS);
    usbip_ret_unlink(out, 7, USBIP_ECONNRESET);
    assert_int_equal(usbip_get_u32(out), USBIP_RET_UNLINK);
    assert_int_equal(usbip_get_u32(out + 4), 7u);
    assert_int_equal(usbip_get_u32(out + 20), 0xFFFFFF98u); /* -104 */
}

static void device_info_lists_alternate_setting_zero_only(void **state)
{
    (void)state;
    usbip_device_info_t info;
    assert_true(usbip_device_info_parse(&info, device, sizeof(device), configuration, sizeof(configuration), true));
    assert_int_equal(info.speed, USBIP_LINUX_HIGH_SPEED);
    assert_int_equal(info.vendor_id, 0x1209);
    assert_int_equal(info.product_id, 0x0001);
    assert_int_equal(info.device_release, 0x0100);
    assert_int_equal(info.configuration_count, 1);
    assert_int_equal(info.interface_count, 2);
    assert_memory_equal(info.interfaces[0], "\xFF\xAB\x00", 3);
    assert_memory_equal(info.interfaces[1], "\x0A\x00\x00", 3);
}

static void device_info_refuses_malformed_descriptors(void **state)
{
    (void)state;
    usbip_device_info_t info;
    assert_false(usbip_device_info_parse(&info, device, 17, configuration, sizeof(configuration), false));
    assert_false(usbip_device_info_parse(&info, NULL, 0, configuration, sizeof(configuration), false));
    assert_false(usbip_device_info_parse(&info, device, sizeof(device), configuration, 8, false));
    uint8_t not_configuration[sizeof(configuration)];
    memcpy(not_configuration, configuration, sizeof(configuration));
    not_configuration[1] = 4;
    assert_false(usbip_device_info_parse(&info, device, sizeof(device), not_configuration, sizeof(not_configuration), false));
    /* Nine interfaces: more than a device record may list. */
    uint8_t many[9 + 9 * 9];
    memcpy(many, configuration, 9);
    for (size_t i = 0; i < 9; i++) {
        memcpy(many + 9 + i * 9, configuration + 9, 9);
        many[9 + i * 9 + 2] = (uint8_t)i;
    }
    assert_false(usbip_device_info_parse(&info, device, sizeof(device), many, sizeof(many), false));
    /* A zero bLength ends the walk instead of looping. */
    uint8_t stuck[] = {9, 2, 18, 0, 1, 1, 0, 0x80, 50, 0, 4, 0, 0, 0, 0xFF, 0xAB, 0, 0};
    assert_true(usbip_device_info_parse(&info, device, sizeof(device), stuck, sizeof(stuck), false));
    assert_int_equal(info.interface_count, 0);
}

static void devlist_and_import_replies_hold_the_device_record(void **state)
{
    (void)state;
    usbip_device_info_t info;
    assert_true(usbip_device_info_parse(&info, device, sizeof(device), configuration, sizeof(configuration), false));
    uint8_t reply[USBIP_DEVLIST_REPLY_MAX];
    size_t length = usbip_devlist_reply(reply, sizeof(reply), &info);
    assert_int_equal(length, 8 + 4 + 312 + 2 * 4);
    assert_int_equal(usbip_get_u16(reply), 0x0111);
    assert_int_equal(usbip_get_u16(reply + 2), USBIP_OP_REP_DEVLIST);
    assert_int_equal(usbip_get_u32(reply + 4), 0u);
    assert_int_equal(usbip_get_u32(reply + 8), 1u);
    const uint8_t *record = reply + 12;
    assert_string_equal((const char *)record + 256, "1-1");
    assert_int_equal(usbip_get_u32(record + 288), 1u);
    assert_int_equal(usbip_get_u32(record + 292), 2u);
    assert_int_equal(usbip_get_u32(record + 296), USBIP_LINUX_FULL_SPEED);
    assert_int_equal(usbip_get_u16(record + 300), 0x1209);
    assert_int_equal(usbip_get_u16(record + 302), 0x0001);
    assert_int_equal(record[309], 1); /* bConfigurationValue */
    assert_int_equal(record[311], 2); /* bNumInterfaces */
    assert_memory_equal(record + 312, "\xFF\xAB\x00\x00\x0A\x00\x00\x00", 8);
    assert_int_equal(usbip_devlist_reply(reply, length - 1, &info), 0);

    uint8_t import[8 + 312];
    usbip_import_reply(import, &info);
    assert_int_equal(usbip_get_u16(import + 2), USBIP_OP_REP_IMPORT);
    assert_memory_equal(import + 8, record, 312);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(urb_header_fields_are_big_endian_at_their_offsets),
    cmocka_unit_test(ret_submit_and_ret_unlink_carry_negative_status),
    cmocka_unit_test(device_info_lists_alternate_setting_zero_only),
    cmocka_unit_test(device_info_refuses_malformed_descriptors),
    cmocka_unit_test(devlist_and_import_replies_hold_the_device_record),
};

TEST_MAIN("usbip_wire", tests)
