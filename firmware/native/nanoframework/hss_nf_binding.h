/*
 * The nanoCLR binding of the HSS USB function, the part in plain C: one instance per firmware image in static
 * memory, the calls the interop handlers make (arguments already unpacked from the managed stack, ranges checked
 * here), and the wake-up that becomes a managed native event. The C++ handlers (hss_nf_native_usb_function.cpp)
 * only unpack arguments and call these; hss_nf_events.cpp turns hss_nf_post_event into a NativeEventDispatcher
 * event. Everything here runs on the CLR thread except the wake, which the port calls from its USB context.
 */
#ifndef HSS_NF_BINDING_H
#define HSS_NF_BINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hss_usb.h"
#include "hss_usb_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The board glue (hss_nf_board_tinyusb.c or hss_nf_board_chibios.c, chosen when the firmware is built): opens the
 * core in `memory` over the firmware's USB stack port, which calls `wake` with HSS_USB_EVENT_* masks; closes it; and
 * gives the open instance (NULL when closed).
 */
hss_usb_status_t hss_nf_board_open(const hss_usb_config_t *config, void *memory, size_t memory_size,
                                   void (*wake)(uint32_t events));
void hss_nf_board_close(void);
hss_usb_t *hss_nf_board_instance(void);

/* Delivers a wake mask (HSS_USB_EVENT_*) to the managed side; hss_nf_events.cpp on the nanoCLR. Callable from the
 * port's USB context (task or interrupt). */
void hss_nf_post_event(uint32_t events);

/* Opens the one instance. An instance still open (the managed application restarted without closing it) is closed
 * first. Negative sizes are HSS_USB_ERR_ARGUMENT; sizes the static memory cannot hold are HSS_USB_ERR_NO_MEMORY. */
int hss_nf_open(const uint8_t *descriptors, size_t descriptors_len, int32_t command_queue_packets, int32_t data_out_bytes,
                int32_t data_in_bytes);
void hss_nf_close(void);
int hss_nf_link_state(void);
bool hss_nf_is_single_pipe(void);

/* buffer[offset .. offset+count) of a managed array of `length` bytes: HSS_USB_ERR_ARGUMENT unless that range lies
 * inside the array; HSS_USB_ERR_NOT_OPEN before open. Otherwise the hss_usb_* call's result. */
int hss_nf_read_command(uint8_t *buffer, size_t length, int32_t offset, int32_t count);
int hss_nf_write_command(const uint8_t *buffer, size_t length, int32_t offset, int32_t count);
int hss_nf_read_data(uint8_t *buffer, size_t length, int32_t offset, int32_t count);
int hss_nf_write_data(const uint8_t *buffer, size_t length, int32_t offset, int32_t count, bool end_of_transfer);
int hss_nf_ready(void);

#ifdef __cplusplus
}
#endif

#endif /* HSS_NF_BINDING_H */
