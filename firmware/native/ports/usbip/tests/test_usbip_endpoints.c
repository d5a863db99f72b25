/* The USB/IP port's URB logic: packetization both ways, waiting, unlink, halt, and every bound. */
#include "test_main.h"

#include "usbip_endpoints.h"
#include "usbip_wire.h"

#define BULK_IN 0x81u
#define BULK_OUT 0x01u

static usbip_endpoints_t e;
static usbip_done_t done[16];
static uint8_t transfer[4096];

static void setup_bulk(void)
{
    usbip_endpoints_init(&e);
    assert_int_equal(usbip_endpoints_open(&e, BULK_IN, HSS_USB_EP_BULK, 64), 0);
    assert_int_equal(usbip_endpoints_open(&e, BULK_OUT, HSS_USB_EP_BULK, 64), 0);
    for (size_t i = 0; i < sizeof(transfer); i++) {
        transfer[i] = (uint8_t)(i * 7u + 1u);
    }
}

static usbip_urb_t *submit(uint32_t seqnum, uint8_t address, size_t length, uint32_t flags)
{
    usbip_urb_t *urb = NULL;
    assert_int_equal(usbip_endpoints_new_urb(&e, seqnum, address, length, flags, &urb), USBIP_SUBMIT_QUEUED);
    if ((address & 0x80u) == 0u) {
        for (size_t i = 0; i < length; i++) {
            urb->data[i] = (uint8_t)(seqnum + i);
        }
    }
    assert_int_equal(usbip_endpoints_enqueue(&e, urb), USBIP_SUBMIT_QUEUED);
    return urb;
}

static size_t step(void)
{
    return usbip_endpoints_step(&e, done, 16);
}

static void assert_urb_done(const usbip_done_t *d, uint32_t seqnum, int32_t status, size_t actual)
{
    assert_int_equal(d->kind, USBIP_DONE_URB);
    assert_int_equal(d->urb->seqnum, seqnum);
    assert_int_equal(d->status, status);
    assert_int_equal(d->actual, actual);
}

static void assert_transfer_done(const usbip_done_t *d, uint8_t address, size_t actual)
{
    assert_int_equal(d->kind, USBIP_DONE_TRANSFER);
    assert_int_equal(d->address, address);
    assert_int_equal(d->actual, actual);
    assert_int_equal(d->result, HSS_USB_TRANSFER_OK);
}

static void finish(void)
{
    usbip_endpoints_clear_urbs(&e);
    assert_int_equal(e.urbs_in_flight, 0);
    assert_int_equal(e.urb_bytes, 0);
}

static void in_short_packet_completes_the_urb(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 512, 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 100), 0);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_IN, 100);
    assert_urb_done(&done[1], 1, 0, 100);
    assert_memory_equal(done[1].urb->data, transfer, 100);
    usbip_endpoints_free_urb(&e, done[1].urb);
    finish();
}

static void in_full_packets_leave_the_urb_open_until_a_zero_length_packet(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 512, 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 128), 0);
    assert_int_equal(step(), 1);
    assert_transfer_done(&done[0], BULK_IN, 128);
    assert_int_equal(step(), 0); /* no short packet yet: the URB waits */
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 0), 0);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_IN, 0);
    assert_urb_done(&done[1], 1, 0, 128);
    finish();
}

static void in_a_full_urb_completes_and_the_rest_goes_to_the_next(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 64, 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 100), 0);
    assert_int_equal(step(), 1);
    assert_urb_done(&done[0], 1, 0, 64);
    usbip_endpoints_free_urb(&e, done[0].urb);
    assert_int_equal(step(), 0);
    submit(2, BULK_IN, 64, 0);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_IN, 100);
    assert_urb_done(&done[1], 2, 0, 36);
    assert_memory_equal(done[1].urb->data, transfer + 64, 36);
    finish();
}

static void in_without_an_armed_transfer_the_urb_waits(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 512, 0);
    assert_int_equal(step(), 0);
    assert_int_equal(e.urbs_in_flight, 1);
    finish();
}

static void in_a_packet_larger_than_the_urb_room_overflows_and_stays(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 100, 0);
    submit(2, BULK_IN, 512, 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 128), 0);
    assert_int_equal(step(), 2);
    assert_urb_done(&done[0], 1, USBIP_EOVERFLOW, 64);
    /* The packet that did not fit went to the next URB: nothing lost. */
    assert_transfer_done(&done[1], BULK_IN, 128);
    assert_int_equal(e.overflows, 1);
    assert_int_equal(step(), 0); /* URB 2 holds 64 bytes, a full packet: it waits */
    finish();
}

static void out_a_short_packet_completes_the_transfer(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 512), 0);
    usbip_urb_t *urb = submit(1, BULK_OUT, 100, 0);
    uint8_t expected[100];
    memcpy(expected, urb->data, sizeof(expected));
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_OUT, 100);
    assert_urb_done(&done[1], 1, 0, 100);
    assert_memory_equal(transfer, expected, 100);
    finish();
}

static void out_full_packets_without_the_zero_flag_keep_the_transfer_open(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 512), 0);
    submit(1, BULK_OUT, 128, 0);
    assert_int_equal(step(), 1);
    assert_urb_done(&done[0], 1, 0, 128);
    usbip_endpoints_free_urb(&e, done[0].urb);
    submit(2, BULK_OUT, 10, 0);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_OUT, 138);
    assert_urb_done(&done[1], 2, 0, 10);
    finish();
}

static void out_the_zero_packet_flag_ends_the_transfer(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 512), 0);
    submit(1, BULK_OUT, 128, USBIP_URB_ZERO_PACKET);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_OUT, 128);
    assert_urb_done(&done[1], 1, 0, 128);
    finish();
}

static void out_an_empty_urb_is_one_zero_length_packet(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 512), 0);
    submit(1, BULK_OUT, 64, 0);
    submit(2, BULK_OUT, 0, 0);
    assert_int_equal(step(), 3);
    assert_urb_done(&done[0], 1, 0, 64);
    assert_transfer_done(&done[1], BULK_OUT, 64);
    assert_urb_done(&done[2], 2, 0, 0);
    finish();
}

static void out_a_full_transfer_completes_and_the_urb_waits_for_the_next_one(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 64), 0);
    submit(1, BULK_OUT, 100, 0);
    assert_int_equal(step(), 1);
    assert_transfer_done(&done[0], BULK_OUT, 64);
    assert_int_equal(step(), 0); /* not armed: the rest is NAKed */
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 64), 0);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_OUT, 36);
    assert_urb_done(&done[1], 1, 0, 100);
    finish();
}

static void out_without_an_armed_transfer_the_urb_waits(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_OUT, 100, 0);
    assert_int_equal(step(), 0);
    finish();
}

static void unlink_removes_a_queued_urb_and_knows_no_other(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 512, 0);
    submit(2, BULK_IN, 512, 0);
    assert_true(usbip_endpoints_unlink(&e, 1));
    assert_false(usbip_endpoints_unlink(&e, 1));
    assert_false(usbip_endpoints_unlink(&e, 99));
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 10), 0);
    assert_int_equal(step(), 2);
    assert_urb_done(&done[1], 2, 0, 10);
    usbip_endpoints_free_urb(&e, done[1].urb);
    assert_int_equal(e.urbs_in_flight, 0);
    finish();
}

static void unlink_of_a_partly_filled_in_urb_hands_its_packets_to_the_next(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 512, 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 128), 0);
    assert_int_equal(step(), 1); /* the transfer left; the URB holds two full packets */
    assert_true(usbip_endpoints_unlink(&e, 1));
    submit(2, BULK_IN, 512, 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer + 128, 5), 0);
    assert_int_equal(step(), 2);
    assert_transfer_done(&done[0], BULK_IN, 5);
    assert_urb_done(&done[1], 2, 0, 133);
    assert_memory_equal(done[1].urb->data, transfer, 133);
    finish();
}

static void a_halt_answers_queued_urbs_and_refuses_new_ones_until_cleared(void **state)
{
    (void)state;
    setup_bulk();
    submit(1, BULK_IN, 512, 0);
    submit(2, BULK_IN, 512, 0);
    assert_int_equal(usbip_endpoints_stall(&e, BULK_IN, true, done, 16), 2);
    assert_urb_done(&done[0], 1, USBIP_EPIPE, 0);
    assert_urb_done(&done[1], 2, USBIP_EPIPE, 0);
    usbip_endpoints_free_urb(&e, done[0].urb);
    usbip_endpoints_free_urb(&e, done[1].urb);
    usbip_urb_t *urb = NULL;
    assert_int_equal(usbip_endpoints_new_urb(&e, 3, BULK_IN, 64, 0, &urb), USBIP_SUBMIT_QUEUED);
    assert_int_equal(usbip_endpoints_enqueue(&e, urb), USBIP_SUBMIT_STALLED);
    assert_int_equal(e.urbs_in_flight, 0);
    assert_int_equal(usbip_endpoints_stall(&e, BULK_IN, false, done, 16), 0);
    submit(4, BULK_IN, 64, 0);
    finish();
}

static void urbs_for_a_closed_or_unknown_endpoint_stall(void **state)
{
    (void)state;
    setup_bulk();
    usbip_endpoints_close(&e, BULK_IN);
    usbip_urb_t *urb = NULL;
    assert_int_equal(usbip_endpoints_new_urb(&e, 1, BULK_IN, 64, 0, &urb), USBIP_SUBMIT_QUEUED);
    assert_int_equal(usbip_endpoints_enqueue(&e, urb), USBIP_SUBMIT_STALLED);
    assert_int_equal(usbip_endpoints_new_urb(&e, 2, 0x85u, 64, 0, &urb), USBIP_SUBMIT_QUEUED);
    assert_int_equal(usbip_endpoints_enqueue(&e, urb), USBIP_SUBMIT_STALLED);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 10), -1);
    finish();
}

static void closing_disarms_so_a_reopened_endpoint_moves_nothing_old(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 10), 0);
    usbip_endpoints_close(&e, BULK_IN);
    assert_int_equal(usbip_endpoints_open(&e, BULK_IN, HSS_USB_EP_BULK, 64), 0);
    submit(1, BULK_IN, 64, 0);
    assert_int_equal(step(), 0);
    finish();
}

static void arming_checks_its_arguments(void **state)
{
    (void)state;
    setup_bulk();
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 100), -1); /* OUT: whole packets only */
    assert_int_equal(usbip_endpoints_arm(&e, BULK_OUT, transfer, 0), -1);
    assert_int_equal(usbip_endpoints_arm(&e, 0x82u, transfer, 10), -1);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, NULL, 10), -1);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 10), 0);
    assert_int_equal(usbip_endpoints_arm(&e, BULK_IN, transfer, 10), -1); /* one at a time */
    assert_int_equal(usbip_endpoints_open(&e, 0x00u, HSS_USB_EP_BULK, 64), -1);
    assert_int_equal(usbip_endpoints_open(&e, 0x82u, HSS_USB_EP_BULK, 0), -1);
    assert_int_equal(usbip_endpoints_open(&e, 0x82u, HSS_USB_EP_INTERRUPT, 64), 0);
    assert_int_equal(usbip_endpoints_open(&e, 0x02u, HSS_USB_EP_INTERRUPT, 64), 0);
    assert_int_equal(usbip_endpoints_open(&e, 0x83u, HSS_USB_EP_BULK, 64), -1); /* four endpoints at most */
    finish();
}

static void urbs_in_flight_are_bounded_by_count_bytes_and_length(void **state)
{
    (void)state;
    setup_bulk();
    usbip_urb_t *urb = NULL;
    assert_int_equal(usbip_endpoints_new_urb(&e, 1, BULK_IN, USBIP_TRANSFER_MAX + 1u, 0, &urb), USBIP_SUBMIT_TOO_MANY);
    assert_null(urb);
    for (uint32_t i = 0; i < USBIP_URBS_MAX; i++) {
        assert_int_equal(usbip_endpoints_new_urb(&e, 100 + i, BULK_IN, 8, 0, &urb), USBIP_SUBMIT_QUEUED);
    }
    assert_int_equal(usbip_endpoints_new_urb(&e, 1, BULK_IN, 8, 0, &urb), USBIP_SUBMIT_TOO_MANY);
    assert_int_equal(usbip_endpoints_new_urb(&e, 100, BULK_IN, 8, 0, &urb), USBIP_SUBMIT_DUPLICATE);
    finish();
    for (uint32_t i = 0; i < USBIP_URB_BYTES_MAX / USBIP_TRANSFER_MAX; i++) {
        assert_int_equal(usbip_endpoints_new_urb(&e, i, BULK_IN, USBIP_TRANSFER_MAX, 0, &urb), USBIP_SUBMIT_QUEUED);
    }
    assert_int_equal(usbip_endpoints_new_urb(&e, 999, BULK_IN, 1, 0, &urb), USBIP_SUBMIT_TOO_MANY);
    assert_int_equal(e.urb_bytes, USBIP_URB_BYTES_MAX);
    finish();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(in_short_packet_completes_the_urb),
    cmocka_unit_test(in_full_packets_leave_the_urb_open_until_a_zero_length_packet),
    cmocka_unit_test(in_a_full_urb_completes_and_the_rest_goes_to_the_next),
    cmocka_unit_test(in_without_an_armed_transfer_the_urb_waits),
    cmocka_unit_test(in_a_packet_larger_than_the_urb_room_overflows_and_stays),
    cmocka_unit_test(out_a_short_packet_completes_the_transfer),
    cmocka_unit_test(out_full_packets_without_the_zero_flag_keep_the_transfer_open),
    cmocka_unit_test(out_the_zero_packet_flag_ends_the_transfer),
    cmocka_unit_test(out_an_empty_urb_is_one_zero_length_packet),
    cmocka_unit_test(out_a_full_transfer_completes_and_the_urb_waits_for_the_next_one),
    cmocka_unit_test(out_without_an_armed_transfer_the_urb_waits),
    cmocka_unit_test(unlink_removes_a_queued_urb_and_knows_no_other),
    cmocka_unit_test(unlink_of_a_partly_filled_in_urb_hands_its_packets_to_the_next),
    cmocka_unit_test(a_halt_answers_queued_urbs_and_refuses_new_ones_until_cleared),
    cmocka_unit_test(urbs_for_a_closed_or_unknown_endpoint_stall),
    cmocka_unit_test(closing_disarms_so_a_reopened_endpoint_moves_nothing_old),
    cmocka_unit_test(arming_checks_its_arguments),
    cmocka_unit_test(urbs_in_flight_are_bounded_by_count_bytes_and_length),
};

TEST_MAIN("usbip_endpoints", tests)
