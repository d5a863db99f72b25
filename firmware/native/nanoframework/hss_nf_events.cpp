// The native event driver behind NativeUsbFunction's NativeEventDispatcher("HssDevice.NativeUsb.Events", 0): the
// nanoCLR finds a driver by name among the interop assembly data entries (checksum DRIVER_INTERRUPT_METHODS_CHECKSUM)
// and hands it the dispatcher at construction. A wake from the USB port then queues one HAL interrupt record
// (data1 = the HSS_USB_EVENT_* mask, data2 = 0) and the CLR calls OnInterrupt on a managed thread. The HAL queue
// drops its oldest record when full, so the managed side treats every event as "re-check" (it reads hss_usb_ready).
// The CMake module (FindINTEROP-HssDevice.NativeUsb.cmake) adds this entry to the interop assemblies table, as
// nanoFramework's own CMake does for the EventSink driver.

#include <nanoCLR_Interop.h>
#include <nanoCLR_Runtime.h>
#include <nanoHAL.h>

#include "hss_nf_binding.h"

static CLR_RT_HeapBlock_NativeEventDispatcher *s_dispatcher;
static bool s_enabled;

static HRESULT InitializeEvents(CLR_RT_HeapBlock_NativeEventDispatcher *context, CLR_UINT64 userData)
{
    (void)userData;
    GLOBAL_LOCK();
    s_dispatcher = context;
    s_enabled = false;
    GLOBAL_UNLOCK();
    return S_OK;
}

static HRESULT EnableEvents(CLR_RT_HeapBlock_NativeEventDispatcher *context, bool enable)
{
    GLOBAL_LOCK();
    if (s_dispatcher == context)
    {
        s_enabled = enable;
    }
    GLOBAL_UNLOCK();
    return S_OK;
}

static HRESULT CleanupEvents(CLR_RT_HeapBlock_NativeEventDispatcher *context)
{
    GLOBAL_LOCK();
    if (s_dispatcher == context)
    {
        s_dispatcher = NULL;
        s_enabled = false;
    }
    GLOBAL_UNLOCK();
    CleanupNativeEventsFromHALQueue(context);
    return S_OK;
}

extern "C" void hss_nf_post_event(uint32_t events)
{
    GLOBAL_LOCK();
    if (s_dispatcher != NULL && s_enabled)
    {
        SaveNativeEventToHALQueue(s_dispatcher, events, 0);
    }
    GLOBAL_UNLOCK();
}

static const CLR_RT_DriverInterruptMethods s_eventMethods = {InitializeEvents, EnableEvents, CleanupEvents};

// Not an assembly: a driver entry the NativeEventDispatcher constructor looks up by this name. Declared extern
// first: a namespace-scope const object is otherwise internal to this file in C++, and the interop table (generated
// by nanoFramework's CMake from the module's list) refers to it from another file.
extern const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_HssDevice_NativeUsb_Events;
const CLR_RT_NativeAssemblyData g_CLR_AssemblyNative_HssDevice_NativeUsb_Events = {
    "HssDevice.NativeUsb.Events",
    DRIVER_INTERRUPT_METHODS_CHECKSUM,
    &s_eventMethods,
    {1, 0, 0, 0}};
