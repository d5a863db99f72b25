/*
 * ChibiOS port of the HSS USB function (API: ChibiOS 21.11.x HAL, STM32 OTGv1; see hss_chibios.h). It moves
 * bytes and events only: every decision is the core's.
 *
 * Control requests: the requests hook sends every SETUP to the core except SET_ADDRESS and SET_CONFIGURATION,
 * which the HAL must see to run its own state machine (address timing; USB_ACTIVE before endpoints may open).
 * The HAL then reports the configuration as USB_EVENT_CONFIGURED/UNCONFIGURED, which go to the core as
 * hss_usb_port_configured. When the core STALLs a standard request, the hook cannot say so (returning false
 * hands a standard request to the HAL's default handler), so it turns the request into one the default handler
 * does not know, which the HAL then STALLs.
 */
#include "hss_chibios.h"

#include <string.h>

#define REQUEST_UNKNOWN 0xFFu

static USBDriver *s_usbp;
static hss_usb_t *s_usb;
static void (*s_wake)(uint32_t events);
static syssts_t s_lock_status;

/* One endpoint configuration per endpoint number: IN and OUT of one number share it (0x81 and 0x01). */
static USBEndpointConfig s_endpoints[USB_MAX_ENDPOINTS + 1];
static USBInEndpointState s_in_states[USB_MAX_ENDPOINTS + 1];
static USBOutEndpointState s_out_states[USB_MAX_ENDPOINTS + 1];

static bool is_in(uint8_t address)
{
    return (address & 0x80u) != 0u;
}

static usbep_t number(uint8_t address)
{
    return (usbep_t)(address & 0x0Fu);
}

/* ---- completions, from the USB interrupt ---- */

static void in_complete(USBDriver *usbp, usbep_t ep)
{
    size_t sent = usbp->epc[ep]->in_state->txsize;
    if (s_usb != NULL) {
        hss_usb_port_transfer_complete(s_usb, (uint8_t)(0x80u | ep), sent, HSS_USB_TRANSFER_OK);
    }
}

static void out_complete(USBDriver *usbp, usbep_t ep)
{
    size_t received = usbGetReceiveTransactionSizeX(usbp, ep);
    if (s_usb != NULL) {
        hss_usb_port_transfer_complete(s_usb, (uint8_t)ep, received, HSS_USB_TRANSFER_OK);
    }
}

/* ---- hss_usb_port_t (called by the core with the system lock held) ---- */

static int port_endpoint_open(void *context, uint8_t address, uint8_t type, uint16_t max_packet)
{
    (void)context;
    usbep_t ep = number(address);
    if (ep == 0u || ep > USB_MAX_ENDPOINTS || usbGetDriverStateI(s_usbp) != USB_ACTIVE) {
        return HSS_USB_ERR_PORT;
    }
    USBEndpointConfig *config = &s_endpoints[ep];
    config->ep_mode = type == HSS_USB_EP_BULK ? USB_EP_MODE_TYPE_BULK : USB_EP_MODE_TYPE_INTR;
    config->in_multiplier = 1;
    if (is_in(address)) {
        config->in_cb = in_complete;
        config->in_maxsize = max_packet;
        config->in_state = &s_in_states[ep];
    } else {
        config->out_cb = out_complete;
        config->out_maxsize = max_packet;
        config->out_state = &s_out_states[ep];
    }
    /* Re-initialised with both directions once the second one opens; the core starts no transfer before. */
    usbInitEndpointI(s_usbp, ep, config);
    return 0;
}

static void port_endpoint_close(void *context, uint8_t address)
{
    (void)context;
    usbep_t ep = number(address);
    if (ep == 0u || ep > USB_MAX_ENDPOINTS) {
        return;
    }
    USBEndpointConfig *config = &s_endpoints[ep];
    if (is_in(address)) {
        config->in_cb = NULL;
        config->in_state = NULL;
    } else {
        config->out_cb = NULL;
        config->out_state = NULL;
    }
    /* The HAL disables endpoints itself on reset and unconfigure; on close while configured, do it here. A
       disabled endpoint calls back no more, so no completion follows (hss_usb_port.h). */
    if (config->in_state == NULL && config->out_state == NULL && usbGetDriverStateI(s_usbp) == USB_ACTIVE) {
        usbDisableEndpointsI(s_usbp);
    }
}

static int port_endpoint_transfer(void *context, uint8_t address, uint8_t *buffer, size_t length)
{
    (void)context;
    usbep_t ep = number(address);
    if (usbGetDriverStateI(s_usbp) != USB_ACTIVE) {
        return HSS_USB_ERR_PORT;
    }
    if (is_in(address)) {
        usbStartTransmitI(s_usbp, ep, buffer, length);
    } else {
        usbStartReceiveI(s_usbp, ep, buffer, length);
    }
    return 0;
}

static void port_endpoint_stall(void *context, uint8_t address, bool stalled)
{
    (void)context;
    usbep_t ep = number(address);
    /* The low-level calls, as the HAL's own default handler uses them: usbStall*I refuses a busy endpoint. */
    if (is_in(address)) {
        stalled ? usb_lld_stall_in(s_usbp, ep) : usb_lld_clear_in(s_usbp, ep);
    } else {
        stalled ? usb_lld_stall_out(s_usbp, ep) : usb_lld_clear_out(s_usbp, ep);
    }
}

static void port_connect(void *context, bool connected)
{
    (void)context;
    if (connected) {
        usbConnectBus(s_usbp);
    } else {
        usbDisconnectBus(s_usbp);
    }
}

static void port_lock(void *context)
{
    (void)context;
    syssts_t status = chSysGetStatusAndLockX();
    s_lock_status = status; /* the lock is not recursive: one saved status */
}

static void port_unlock(void *context)
{
    (void)context;
    chSysRestoreStatusX(s_lock_status);
}

static void port_wake(void *context, uint32_t events)
{
    (void)context;
    void (*wake)(uint32_t) = s_wake;
    if (wake != NULL) {
        wake(events);
    }
}

static const hss_usb_port_t s_port = {
    port_endpoint_open, port_endpoint_close, port_endpoint_transfer, port_endpoint_stall,
    port_connect,       port_lock,           port_unlock,            port_wake,
};

/* ---- HAL callbacks ---- */

/* OTG: the enumerated speed is known after the reset interrupt (DSTS.ENUMSPD), so it is read at each SETUP. */
static hss_usb_speed_t bus_speed(USBDriver *usbp)
{
    return (usbp->otg->DSTS & DSTS_ENUMSPD_MASK) == DSTS_ENUMSPD_HS_480 ? HSS_USB_SPEED_HIGH : HSS_USB_SPEED_FULL;
}

static hss_usb_speed_t s_speed = HSS_USB_SPEED_FULL;

static void event(USBDriver *usbp, usbevent_t what)
{
    if (s_usb == NULL) {
        return;
    }
    switch (what) {
    case USB_EVENT_RESET:
        hss_usb_port_bus_reset(s_usb, s_speed);
        break;
    case USB_EVENT_CONFIGURED:
        (void)hss_usb_port_configured(s_usb, usbp->configuration);
        break;
    case USB_EVENT_UNCONFIGURED:
        (void)hss_usb_port_configured(s_usb, 0);
        break;
    case USB_EVENT_SUSPEND:
        hss_usb_port_suspend(s_usb);
        break;
    case USB_EVENT_WAKEUP:
        hss_usb_port_resume(s_usb);
        break;
    default:
        break;
    }
}

static bool requests_hook(USBDriver *usbp)
{
    uint8_t type = usbp->setup[0] & 0x60u;
    uint8_t request = usbp->setup[1];
    if (s_usb == NULL || (type == 0u && (request == 5u || request == 9u))) {
        return false; /* SET_ADDRESS, SET_CONFIGURATION: the HAL's (see the top of this file) */
    }
    hss_usb_speed_t speed = bus_speed(usbp);
    if (speed != s_speed && usbGetDriverStateI(usbp) != USB_ACTIVE) {
        s_speed = speed;
        hss_usb_port_bus_reset(s_usb, speed); /* not configured: only the speed changes */
    }
    const uint8_t *data = NULL;
    size_t length = 0;
    switch (hss_usb_port_control(s_usb, usbp->setup, &data, &length)) {
    case HSS_USB_CONTROL_DATA:
        usbSetupTransfer(usbp, (uint8_t *)(uintptr_t)data, length, NULL);
        return true;
    case HSS_USB_CONTROL_ACK:
        usbSetupTransfer(usbp, NULL, 0, NULL);
        return true;
    default:
        usbp->setup[1] = REQUEST_UNKNOWN; /* the default handler refuses it: the HAL STALLs endpoint 0 */
        return false;
    }
}

static const USBDescriptor *get_descriptor(USBDriver *usbp, uint8_t type, uint8_t index, uint16_t language)
{
    /* Only reached when the hook passed a GET_DESCRIPTOR on, which it never does: one answer either way. */
    static USBDescriptor descriptor;
    size_t length = 0;
    (void)usbp;
    descriptor.ud_string = s_usb == NULL ? NULL : hss_usb_port_descriptor(s_usb, type, index, language, &length);
    descriptor.ud_size = length;
    return descriptor.ud_string == NULL ? NULL : &descriptor;
}

static const USBConfig s_config = {event, get_descriptor, requests_hook, NULL};

/* ---- instance ---- */

hss_usb_status_t hss_chibios_open(USBDriver *usbp, const hss_usb_config_t *config, void *memory,
                                  size_t memory_size, void (*wake)(uint32_t events))
{
    if (usbp == NULL || s_usb != NULL) {
        return HSS_USB_ERR_ARGUMENT;
    }
    memset(s_endpoints, 0, sizeof(s_endpoints));
    s_usbp = usbp;
    s_wake = wake;
    s_speed = HSS_USB_SPEED_FULL;
    /* Disconnected first, as ChibiOS's USB demos do; hss_usb_open connects (pull-up) once the instance is ready. */
    usbDisconnectBus(usbp);
    (void)usbStart(usbp, &s_config);
    hss_usb_status_t status = hss_usb_open(config, memory, memory_size, &s_port, NULL, &s_usb);
    if (status != HSS_USB_OK) {
        usbStop(usbp);
    }
    return status;
}

void hss_chibios_close(void)
{
    hss_usb_t *usb = s_usb;
    if (usb != NULL) {
        hss_usb_close(usb);
        s_usb = NULL;
        usbStop(s_usbp);
    }
}

hss_usb_t *hss_chibios_instance(void)
{
    return s_usb;
}
