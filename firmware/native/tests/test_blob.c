/* The descriptor blob: what is accepted, every way it can be malformed, memory sizing and open's argument checks. */
#include "fake_port.h"
#include "test_blobs.h"
#include "test_main.h"

#include <stdlib.h>

static blob_writer_t w;

static hss_usb_config_t config_for(const uint8_t *blob, size_t length)
{
    hss_usb_config_t config;
    memset(&config, 0, sizeof(config));
    config.descriptors = blob;
    config.descriptors_len = length;
    config.command_queue_packets = 4;
    config.data_out_bytes = 2048;
    config.data_in_bytes = 2048;
    return config;
}

static size_t size_of(const uint8_t *blob, size_t length)
{
    hss_usb_config_t config = config_for(blob, length);
    return hss_usb_memory_size(&config);
}

/* Opens through a real open call, in memory of exactly the size asked for; returns the status. */
static hss_usb_status_t open_status(const uint8_t *blob, size_t length)
{
    fake_port_t fake;
    fake_port_init(&fake);
    hss_usb_config_t config = config_for(blob, length);
    size_t size = hss_usb_memory_size(&config);
    void *memory = malloc(size > 0u ? size : 8u);
    hss_usb_t *usb = NULL;
    hss_usb_status_t status = hss_usb_open(&config, memory, size > 0u ? size : 8u, &fake.port, &fake, &usb);
    if (usb != NULL) {
        hss_usb_close(usb);
    }
    free(memory);
    return status;
}

static void expect_rejected(void)
{
    assert_int_equal(size_of(w.bytes, w.length), 0);
    assert_int_equal(open_status(w.bytes, w.length), HSS_USB_ERR_DESCRIPTORS);
}

static void accepts_every_profile_and_speed(void **state)
{
    (void)state;
    test_profile_t profiles[3] = {PROFILE_VENDOR, PROFILE_CDC, PROFILE_SINGLE};
    for (int p = 0; p < 3; p++) {
        for (int hs = 0; hs < 2; hs++) {
            test_blob(&w, profiles[p], hs != 0);
            assert_true(size_of(w.bytes, w.length) > sizeof(hss_usb_t));
            assert_int_equal(open_status(w.bytes, w.length), HSS_USB_OK);
        }
    }
}

static void rejects_every_truncation(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, true);
    size_t full = w.length;
    for (size_t length = 0; length < full; length++) {
        assert_int_equal(size_of(w.bytes, length), 0);
    }
    assert_true(size_of(w.bytes, full) > 0u);
}

static void rejects_bad_header(void **state)
{
    (void)state;
    size_t offsets[4] = {0, 3, 4, 5}; /* magic first and last byte, version, reserved */
    for (int i = 0; i < 4; i++) {
        test_blob(&w, PROFILE_VENDOR, false);
        w.bytes[offsets[i]] ^= 0x01u;
        expect_rejected();
    }
}

static void rejects_wrong_entry_count(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[6] = (uint8_t)(w.count + 1u); /* more entries than the bytes hold */
    expect_rejected();
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[6] = (uint8_t)(w.count - 1u); /* bytes after the last declared entry */
    expect_rejected();
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[6] = 0;
    expect_rejected();
}

static void rejects_too_many_entries(void **state)
{
    (void)state;
    uint8_t text[4] = {4, 3, 'x', 0};
    test_blob(&w, PROFILE_VENDOR, false);
    uint8_t index = 10;
    while (w.count <= HSS_USB_DESCRIPTOR_ENTRIES_MAX) {
        blob_add(&w, 3, index++, 0x0409, 0, text, sizeof(text));
    }
    blob_finish(&w);
    assert_int_equal(w.count, HSS_USB_DESCRIPTOR_ENTRIES_MAX + 1);
    expect_rejected();
}

static void accepts_exactly_the_entry_limit(void **state)
{
    (void)state;
    uint8_t text[4] = {4, 3, 'x', 0};
    test_blob(&w, PROFILE_VENDOR, false);
    uint8_t index = 10;
    while (w.count < HSS_USB_DESCRIPTOR_ENTRIES_MAX) {
        blob_add(&w, 3, index++, 0x0409, 0, text, sizeof(text));
    }
    blob_finish(&w);
    assert_true(size_of(w.bytes, w.length) > 0u);
}

static void rejects_blob_over_the_size_limit(void **state)
{
    (void)state;
    /* A valid blob grown past 4096 bytes with a long MS OS 2.0 set. */
    test_blob(&w, PROFILE_VENDOR, false);
    static uint8_t set[HSS_USB_DESCRIPTORS_MAX];
    size_t length = HSS_USB_DESCRIPTORS_MAX - w.length - 8u + 1u;
    memset(set, 0, sizeof(set));
    set[0] = 10;
    set[8] = (uint8_t)length;
    set[9] = (uint8_t)(length >> 8);
    blob_add(&w, 0xF0, 0x02, 0, 0, set, length);
    blob_finish(&w);
    assert_int_equal(w.length, HSS_USB_DESCRIPTORS_MAX + 1);
    expect_rejected();
    /* One byte less is at the limit and accepted. */
    test_blob(&w, PROFILE_VENDOR, false);
    length--;
    set[8] = (uint8_t)length;
    set[9] = (uint8_t)(length >> 8);
    blob_add(&w, 0xF0, 0x02, 0, 0, set, length);
    blob_finish(&w);
    assert_int_equal(w.length, HSS_USB_DESCRIPTORS_MAX);
    assert_true(size_of(w.bytes, w.length) > 0u);
}

/* The first entry is the device descriptor: its header starts at 8, its bytes at 16. */
static void rejects_entry_length_past_the_end(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[14] = 0xFF;
    w.bytes[15] = 0xFF;
    expect_rejected();
}

static void rejects_bad_entry_fields(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[8] = 0x04; /* type: interface descriptors are not entries */
    expect_rejected();
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[12] = 3; /* speed */
    expect_rejected();
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[13] = 1; /* reserved */
    expect_rejected();
}

static void rejects_descriptor_disagreeing_with_its_entry(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[16] = 17; /* device bLength */
    expect_rejected();
    test_blob(&w, PROFILE_VENDOR, false);
    w.bytes[17] = 2; /* device bDescriptorType */
    expect_rejected();
    /* Configuration: entry header at 34, descriptor at 42; wTotalLength at 44. */
    test_blob(&w, PROFILE_VENDOR, false);
    assert_int_equal(w.bytes[34], 2);
    w.bytes[44]++;
    expect_rejected();
}

static void rejects_duplicate_entries(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, false);
    uint8_t text[4] = {4, 3, 'x', 0};
    blob_add(&w, 3, 1, 0x0409, 0, text, sizeof(text));
    blob_finish(&w);
    expect_rejected();
}

static void rejects_missing_device_descriptor(void **state)
{
    (void)state;
    uint8_t d[256];
    blob_begin(&w);
    size_t n = test_configuration(d, 2, PROFILE_VENDOR, 64);
    blob_add(&w, 2, 0, 0, 1, d, n);
    blob_finish(&w);
    expect_rejected();
}

static void rejects_missing_configuration(void **state)
{
    (void)state;
    const uint8_t device[18] = {18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x09, 0x12, 1, 0, 0, 1, 0, 0, 0, 1};
    blob_begin(&w);
    blob_add(&w, 1, 0, 0, 0, device, sizeof(device));
    blob_finish(&w);
    expect_rejected();
    /* A high-speed configuration alone: no full-speed one. */
    uint8_t d[256];
    size_t n = test_configuration(d, 2, PROFILE_VENDOR, 512);
    blob_add(&w, 2, 0, 0, 2, d, n);
    blob_finish(&w);
    expect_rejected();
}

/* Builds a vendor blob whose full-speed configuration was passed through `edit` first. */
static void blob_with_config(void (*edit)(uint8_t *config, size_t *length))
{
    uint8_t d[256];
    const uint8_t device[18] = {18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x09, 0x12, 1, 0, 0, 1, 0, 0, 0, 1};
    size_t n = test_configuration(d, 2, PROFILE_VENDOR, 64);
    edit(d, &n);
    d[2] = (uint8_t)n;
    d[3] = (uint8_t)(n >> 8);
    blob_begin(&w);
    blob_add(&w, 1, 0, 0, 0, device, sizeof(device));
    blob_add(&w, 2, 0, 0, 1, d, n);
    blob_finish(&w);
}

/* Vendor configuration layout: config 0..8, interface 9..17, bulk IN 18, bulk OUT 25, interrupt IN 32, OUT 39. */
static void drop_interrupt_out(uint8_t *c, size_t *n)
{
    *n -= 7u;
    c[13] = 3;
}
static void drop_bulk_out(uint8_t *c, size_t *n)
{
    memmove(c + 25, c + 32, 14);
    *n -= 7u;
    c[13] = 3;
}
static void isochronous(uint8_t *c, size_t *n)
{
    (void)n;
    c[21] = 0x01;
}
static void bulk_packet_100(uint8_t *c, size_t *n)
{
    (void)n;
    c[22] = 100;
}
static void interrupt_packet_128(uint8_t *c, size_t *n)
{
    (void)n;
    c[36] = 128;
}
static void same_address_twice(uint8_t *c, size_t *n)
{
    (void)n;
    c[34] = 0x81; /* interrupt IN with the bulk IN's address */
}
static void endpoint_zero(uint8_t *c, size_t *n)
{
    (void)n;
    c[20] = 0x80;
}
static void alternate_setting(uint8_t *c, size_t *n)
{
    (void)n;
    c[12] = 1;
}
static void interface_count_wrong(uint8_t *c, size_t *n)
{
    (void)n;
    c[4] = 2;
}
static void configuration_value_zero(uint8_t *c, size_t *n)
{
    (void)n;
    c[5] = 0;
}
static void sub_descriptor_past_end(uint8_t *c, size_t *n)
{
    (void)n;
    c[39] = 9; /* the last endpoint claims 2 bytes more than there are */
}
static void sub_descriptor_length_zero(uint8_t *c, size_t *n)
{
    (void)n;
    c[18] = 0;
}
static void high_bandwidth(uint8_t *c, size_t *n)
{
    (void)n;
    c[37] = 0x08; /* bits 12..11 of wMaxPacketSize */
}
static void unchanged(uint8_t *c, size_t *n)
{
    (void)c;
    (void)n;
}

static void rejects_malformed_configurations(void **state)
{
    (void)state;
    blob_with_config(unchanged);
    assert_true(size_of(w.bytes, w.length) > 0u); /* the edits below are what makes them fail */
    void (*edits[])(uint8_t *, size_t *) = {drop_interrupt_out,    drop_bulk_out,         isochronous,
                                           bulk_packet_100,       interrupt_packet_128,  same_address_twice,
                                           endpoint_zero,         alternate_setting,     interface_count_wrong,
                                           configuration_value_zero, sub_descriptor_past_end,
                                           sub_descriptor_length_zero, high_bandwidth};
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        blob_with_config(edits[i]);
        if (size_of(w.bytes, w.length) != 0u) {
            fail_msg("configuration edit %zu was accepted", i);
        }
    }
}

static void rejects_profile_changing_with_speed(void **state)
{
    (void)state;
    uint8_t d[256];
    const uint8_t device[18] = {18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x09, 0x12, 1, 0, 0, 1, 0, 0, 0, 1};
    blob_begin(&w);
    blob_add(&w, 1, 0, 0, 0, device, sizeof(device));
    size_t n = test_configuration(d, 2, PROFILE_VENDOR, 64);
    blob_add(&w, 2, 0, 0, 1, d, n);
    n = test_configuration(d, 2, PROFILE_SINGLE, 512);
    blob_add(&w, 2, 0, 0, 2, d, n);
    blob_finish(&w);
    expect_rejected();
}

static void single_pipe_is_found_from_the_configuration(void **state)
{
    (void)state;
    fake_port_t fake;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_SINGLE, false);
    hss_usb_t *usb = fake_open(&fake, w.bytes, w.length, 4, 1024, 1024);
    assert_true(hss_usb_is_single_pipe(usb));
    fake_port_free(&fake);
    test_blob(&w, PROFILE_CDC, true);
    usb = fake_open(&fake, w.bytes, w.length, 4, 1024, 1024);
    assert_false(hss_usb_is_single_pipe(usb));
    fake_port_free(&fake);
}

static void memory_size_rejects_bad_sizes(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, true);
    hss_usb_config_t config = config_for(w.bytes, w.length);
    assert_true(hss_usb_memory_size(&config) > 0u);
    assert_int_equal(hss_usb_memory_size(NULL), 0);
    config.command_queue_packets = 0;
    assert_int_equal(hss_usb_memory_size(&config), 0);
    config.command_queue_packets = HSS_USB_COMMAND_QUEUE_MAX + 1u;
    assert_int_equal(hss_usb_memory_size(&config), 0);
    config = config_for(w.bytes, w.length);
    config.data_out_bytes = 511; /* less than one high-speed packet */
    assert_int_equal(hss_usb_memory_size(&config), 0);
    config = config_for(w.bytes, w.length);
    config.data_in_bytes = HSS_USB_DATA_BUFFER_MAX + 1u;
    assert_int_equal(hss_usb_memory_size(&config), 0);
    config = config_for(w.bytes, w.length);
    config.descriptors = NULL;
    assert_int_equal(hss_usb_memory_size(&config), 0);
}

static void memory_size_grows_with_the_buffers(void **state)
{
    (void)state;
    test_blob(&w, PROFILE_VENDOR, false);
    hss_usb_config_t config = config_for(w.bytes, w.length);
    size_t base = hss_usb_memory_size(&config);
    config.data_in_bytes += 4096;
    size_t more = hss_usb_memory_size(&config);
    assert_true(more >= base + 4096u);
    assert_int_equal(more % 8u, 0);
}

static void open_checks_its_arguments(void **state)
{
    (void)state;
    fake_port_t fake;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, false);
    hss_usb_config_t config = config_for(w.bytes, w.length);
    size_t size = hss_usb_memory_size(&config);
    uint64_t *memory = malloc(size + 8u);
    hss_usb_t *usb = (hss_usb_t *)memory;
    assert_int_equal(hss_usb_open(&config, memory, size, &fake.port, &fake, NULL), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_open(NULL, memory, size, &fake.port, &fake, &usb), HSS_USB_ERR_ARGUMENT);
    assert_null(usb);
    assert_int_equal(hss_usb_open(&config, NULL, size, &fake.port, &fake, &usb), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_open(&config, memory, size, NULL, &fake, &usb), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_open(&config, (uint8_t *)memory + 4, size, &fake.port, &fake, &usb),
                     HSS_USB_ERR_ARGUMENT);
    assert_int_equal(hss_usb_open(&config, memory, size - 1u, &fake.port, &fake, &usb), HSS_USB_ERR_NO_MEMORY);
    hss_usb_port_t partial = fake.port;
    partial.wake = NULL;
    assert_int_equal(hss_usb_open(&config, memory, size, &partial, &fake, &usb), HSS_USB_ERR_ARGUMENT);
    assert_int_equal(fake.call_count, 0); /* nothing reached the port */

    assert_int_equal(hss_usb_open(&config, memory, size, &fake.port, &fake, &usb), HSS_USB_OK);
    assert_true(fake.connected);
    assert_int_equal(hss_usb_link_state(usb), HSS_USB_LINK_DOWN);
    hss_usb_close(usb);
    assert_false(fake.connected);
    free(memory);
    assert_int_equal(fake.lock_violations, 0);
}

static void open_keeps_its_own_copy_of_the_blob(void **state)
{
    (void)state;
    fake_port_t fake;
    fake_port_init(&fake);
    test_blob(&w, PROFILE_VENDOR, false);
    fake_open(&fake, w.bytes, w.length, 4, 1024, 1024);
    memset(w.bytes, 0xEE, sizeof(w.bytes)); /* the caller's bytes go away */
    const uint8_t *data = NULL;
    size_t length = 0;
    assert_int_equal(fake_setup(&fake, 0x80, 6, 0x0100, 0, 18, &data, &length), HSS_USB_CONTROL_DATA);
    assert_int_equal(length, 18);
    assert_int_equal(data[0], 18);
    assert_int_equal(data[1], 1);
    fake_port_free(&fake);
}

/* Blobs written by the C# UsbDescriptorBlob for every board and profile (fixtures/BOARD.PROFILE.bin, regenerated
   and compared by tests/HssDevice.Native.Tests so they cannot go stale): every one opens and enumerates. */
static void accepts_the_blobs_of_the_csharp_side(void **state)
{
    (void)state;
    static uint8_t bytes[HSS_USB_DESCRIPTORS_MAX + 1];
    char names[16][128];
    size_t count = test_fixture_names(names, 16);
    if (count < 4u) {
        fail_msg("expected the fixtures of two boards and two profiles, found %zu", count);
    }
    for (size_t i = 0; i < count; i++) {
        size_t length = test_fixture(names[i], bytes, sizeof(bytes));
        if (length == 0u) {
            fail_msg("fixture %s could not be read", names[i]);
        }
        fake_port_t fake;
        fake_port_init(&fake);
        hss_usb_t *usb = fake_open(&fake, bytes, length, 4, 2048, 2048);
        bool single = hss_usb_is_single_pipe(usb);
        /* Full speed: the configuration served is the full-speed one, the endpoints open as it says. */
        fake_enumerate(&fake, HSS_USB_SPEED_FULL);
        assert_int_equal(fake_count(&fake, FAKE_OPEN, 0xFF), single ? 2u : 4u);
        for (size_t c = 0; c < fake.call_count; c++) {
            if (fake.calls[c].kind == FAKE_OPEN && fake.calls[c].type == HSS_USB_EP_BULK) {
                assert_int_equal(fake.calls[c].max_packet, 64);
            }
        }
        const uint8_t *data = NULL;
        size_t n = 0;
        assert_int_equal(fake_setup(&fake, 0x80, 6, 0x0100, 0, 64, &data, &n), HSS_USB_CONTROL_DATA);
        assert_int_equal(n, 18);
        assert_int_equal(data[2] | (data[3] << 8), 0x0210); /* bcdUSB 2.10: the host reads the BOS */
        assert_int_equal(fake_setup(&fake, 0x80, 6, 0x0F00, 0, 255, &data, &n), HSS_USB_CONTROL_DATA);
        uint8_t vendor_code = data[n - 2u]; /* bMS_VendorCode, second to last of the MS OS 2.0 capability */
        uint16_t set_length = (uint16_t)(data[n - 4u] | (data[n - 3u] << 8));
        assert_int_equal(fake_setup(&fake, 0xC0, vendor_code, 0, 7, 0xFFFF, &data, &n), HSS_USB_CONTROL_DATA);
        assert_int_equal(n, set_length);
        /* A high-speed board's blob also enumerates at high speed, with 512-byte bulk packets. */
        if (fake_setup(&fake, 0x80, 6, 0x0600, 0, 10, &data, &n) == HSS_USB_CONTROL_DATA) {
            size_t opens = fake.call_count;
            fake_enumerate(&fake, HSS_USB_SPEED_HIGH);
            for (size_t c = opens; c < fake.call_count; c++) {
                if (fake.calls[c].kind == FAKE_OPEN && fake.calls[c].type == HSS_USB_EP_BULK) {
                    assert_int_equal(fake.calls[c].max_packet, 512);
                }
            }
        }
        fake_port_free(&fake);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(accepts_every_profile_and_speed),
    cmocka_unit_test(rejects_every_truncation),
    cmocka_unit_test(rejects_bad_header),
    cmocka_unit_test(rejects_wrong_entry_count),
    cmocka_unit_test(rejects_too_many_entries),
    cmocka_unit_test(accepts_exactly_the_entry_limit),
    cmocka_unit_test(rejects_blob_over_the_size_limit),
    cmocka_unit_test(rejects_entry_length_past_the_end),
    cmocka_unit_test(rejects_bad_entry_fields),
    cmocka_unit_test(rejects_descriptor_disagreeing_with_its_entry),
    cmocka_unit_test(rejects_duplicate_entries),
    cmocka_unit_test(rejects_missing_device_descriptor),
    cmocka_unit_test(rejects_missing_configuration),
    cmocka_unit_test(rejects_malformed_configurations),
    cmocka_unit_test(rejects_profile_changing_with_speed),
    cmocka_unit_test(single_pipe_is_found_from_the_configuration),
    cmocka_unit_test(memory_size_rejects_bad_sizes),
    cmocka_unit_test(memory_size_grows_with_the_buffers),
    cmocka_unit_test(open_checks_its_arguments),
    cmocka_unit_test(open_keeps_its_own_copy_of_the_blob),
    cmocka_unit_test(accepts_the_blobs_of_the_csharp_side),
};

TEST_MAIN("blob", tests)
