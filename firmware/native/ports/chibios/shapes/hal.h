/*
 * API SHAPES ONLY, for the compile check of hss_chibios.c (firmware/native/CMakeLists.txt, target
 * hss_port_shapes): the declarations of ChibiOS 21.11.x (os/hal/include/hal_usb.h, os/hal/ports/STM32/LLD/OTGv1/
 * hal_usb_lld.h and stm32_otg.h, os/rt/include/chsys.h) the port uses, written from the documented API, with the
 * fields it touches. Not ChibiOS; never linked; a firmware build uses the real headers.
 */
#ifndef HSS_SHAPES_HAL_H
#define HSS_SHAPES_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t syssts_t;
typedef int32_t msg_t;
syssts_t chSysGetStatusAndLockX(void);
void chSysRestoreStatusX(syssts_t sts);

#define USB_MAX_ENDPOINTS 8
#define USB_EP_MODE_TYPE_BULK 0x0002U
#define USB_EP_MODE_TYPE_INTR 0x0003U
#define DSTS_ENUMSPD_MASK (3U << 1)
#define DSTS_ENUMSPD_HS_480 (0U << 1)

typedef uint8_t usbep_t;
typedef struct USBDriver USBDriver;
typedef enum { USB_UNINIT = 0, USB_STOP = 1, USB_READY = 2, USB_SELECTED = 3, USB_ACTIVE = 4 } usbstate_t;
typedef enum {
    USB_EVENT_RESET = 0,
    USB_EVENT_ADDRESS = 1,
    USB_EVENT_CONFIGURED = 2,
    USB_EVENT_UNCONFIGURED = 3,
    USB_EVENT_SUSPEND = 4,
    USB_EVENT_WAKEUP = 5,
    USB_EVENT_STALLED = 6
} usbevent_t;

typedef struct {
    size_t ud_size;
    const uint8_t *ud_string;
} USBDescriptor;

typedef void (*usbcallback_t)(USBDriver *usbp);
typedef void (*usbepcallback_t)(USBDriver *usbp, usbep_t ep);
typedef void (*usbeventcb_t)(USBDriver *usbp, usbevent_t event);
typedef bool (*usbreqhandler_t)(USBDriver *usbp);
typedef const USBDescriptor *(*usbgetdescriptor_t)(USBDriver *usbp, uint8_t dtype, uint8_t dindex, uint16_t lang);

typedef struct {
    bool txqueued;
    size_t txsize;
    size_t txcnt;
    const uint8_t *txbuf;
    void *thread;
    size_t totsize;
} USBInEndpointState;

typedef struct {
    bool rxqueued;
    size_t rxsize;
    size_t rxcnt;
    uint8_t *rxbuf;
    void *thread;
    size_t totsize;
} USBOutEndpointState;

typedef struct {
    uint32_t ep_mode;
    usbepcallback_t setup_cb;
    usbepcallback_t in_cb;
    usbepcallback_t out_cb;
    uint16_t in_maxsize;
    uint16_t out_maxsize;
    USBInEndpointState *in_state;
    USBOutEndpointState *out_state;
    uint16_t in_multiplier;
    uint8_t *setup_buf;
} USBEndpointConfig;

typedef struct {
    usbeventcb_t event_cb;
    usbgetdescriptor_t get_descriptor_cb;
    usbreqhandler_t requests_hook_cb;
    usbcallback_t sof_cb;
} USBConfig;

typedef struct {
    volatile uint32_t DSTS;
} stm32_otg_t;

struct USBDriver {
    usbstate_t state;
    const USBConfig *config;
    const USBEndpointConfig *epc[USB_MAX_ENDPOINTS + 1];
    uint8_t setup[8];
    uint8_t *ep0next;
    size_t ep0n;
    usbcallback_t ep0endcb;
    uint8_t configuration;
    stm32_otg_t *otg;
};

#define usbGetDriverStateI(usbp) ((usbp)->state)
#define usbGetReceiveTransactionSizeX(usbp, ep) ((usbp)->epc[ep]->out_state->rxcnt)
#define usbSetupTransfer(usbp, buf, n, endcb)                                                                  \
    {                                                                                                          \
        (usbp)->ep0next = (buf);                                                                               \
        (usbp)->ep0n = (n);                                                                                    \
        (usbp)->ep0endcb = (endcb);                                                                            \
    }
void usb_lld_connect_bus(USBDriver *usbp);
void usb_lld_disconnect_bus(USBDriver *usbp);
#define usbConnectBus(usbp) usb_lld_connect_bus(usbp)
#define usbDisconnectBus(usbp) usb_lld_disconnect_bus(usbp)

msg_t usbStart(USBDriver *usbp, const USBConfig *config);
void usbStop(USBDriver *usbp);
void usbInitEndpointI(USBDriver *usbp, usbep_t ep, const USBEndpointConfig *epcp);
void usbDisableEndpointsI(USBDriver *usbp);
void usbStartReceiveI(USBDriver *usbp, usbep_t ep, uint8_t *buf, size_t n);
void usbStartTransmitI(USBDriver *usbp, usbep_t ep, const uint8_t *buf, size_t n);
void usb_lld_stall_out(USBDriver *usbp, usbep_t ep);
void usb_lld_stall_in(USBDriver *usbp, usbep_t ep);
void usb_lld_clear_out(USBDriver *usbp, usbep_t ep);
void usb_lld_clear_in(USBDriver *usbp, usbep_t ep);

#endif
