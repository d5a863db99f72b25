// The interop handlers of HssDevice.Transport.NativeUsb.NativeUsbFunction (firmware/HssDevice.NativeUsb): each
// unpacks the managed arguments (static methods: argument 0 is the first parameter) and calls the binding's C part,
// which checks ranges and calls hss_usb_*. None blocks: the core takes or queues what it can and returns.
// Their declarations and the lookup table are generated (hss_nf_interop.h, hss_nf_interop_table.cpp).

#include "hss_nf_interop.h"
#include "hss_nf_binding.h"

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeOpen___STATIC__I4__SZARRAY_U1__I4__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();

    CLR_RT_TypedArray_UINT8 descriptors;
    signed int commandQueuePackets;
    signed int dataOutBytes;
    signed int dataInBytes;

    NANOCLR_CHECK_HRESULT(Interop_Marshal_UINT8_ARRAY(stack, 0, descriptors));
    NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 1, commandQueuePackets));
    NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 2, dataOutBytes));
    NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 3, dataInBytes));

    SetResult_INT32(
        stack,
        hss_nf_open(descriptors.GetBuffer(), descriptors.GetSize(), commandQueuePackets, dataOutBytes, dataInBytes));

    NANOCLR_NOCLEANUP();
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeClose___STATIC__VOID(CLR_RT_StackFrame &stack)
{
    (void)stack;
    hss_nf_close();
    return S_OK;
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeLinkState___STATIC__I4(CLR_RT_StackFrame &stack)
{
    SetResult_INT32(stack, hss_nf_link_state());
    return S_OK;
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeIsSinglePipe___STATIC__BOOLEAN(CLR_RT_StackFrame &stack)
{
    SetResult_bool(stack, hss_nf_is_single_pipe());
    return S_OK;
}

// The three arguments of every pipe call: the managed array, the offset and the count.
struct PipeArguments
{
    CLR_RT_TypedArray_UINT8 buffer;
    signed int offset;
    signed int count;
};

static HRESULT UnpackPipeArguments(CLR_RT_StackFrame &stack, PipeArguments &arguments)
{
    NANOCLR_HEADER();
    NANOCLR_CHECK_HRESULT(Interop_Marshal_UINT8_ARRAY(stack, 0, arguments.buffer));
    NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 1, arguments.offset));
    NANOCLR_CHECK_HRESULT(Interop_Marshal_INT32(stack, 2, arguments.count));
    NANOCLR_NOCLEANUP();
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeReadCommand___STATIC__I4__SZARRAY_U1__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    PipeArguments a;
    NANOCLR_CHECK_HRESULT(UnpackPipeArguments(stack, a));
    SetResult_INT32(stack, hss_nf_read_command(a.buffer.GetBuffer(), a.buffer.GetSize(), a.offset, a.count));
    NANOCLR_NOCLEANUP();
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeWriteCommand___STATIC__I4__SZARRAY_U1__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    PipeArguments a;
    NANOCLR_CHECK_HRESULT(UnpackPipeArguments(stack, a));
    SetResult_INT32(stack, hss_nf_write_command(a.buffer.GetBuffer(), a.buffer.GetSize(), a.offset, a.count));
    NANOCLR_NOCLEANUP();
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeReadData___STATIC__I4__SZARRAY_U1__I4__I4(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    PipeArguments a;
    NANOCLR_CHECK_HRESULT(UnpackPipeArguments(stack, a));
    SetResult_INT32(stack, hss_nf_read_data(a.buffer.GetBuffer(), a.buffer.GetSize(), a.offset, a.count));
    NANOCLR_NOCLEANUP();
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeWriteData___STATIC__I4__SZARRAY_U1__I4__I4__BOOLEAN(CLR_RT_StackFrame &stack)
{
    NANOCLR_HEADER();
    PipeArguments a;
    bool endOfTransfer;
    NANOCLR_CHECK_HRESULT(UnpackPipeArguments(stack, a));
    NANOCLR_CHECK_HRESULT(Interop_Marshal_bool(stack, 3, endOfTransfer));
    SetResult_INT32(
        stack,
        hss_nf_write_data(a.buffer.GetBuffer(), a.buffer.GetSize(), a.offset, a.count, endOfTransfer));
    NANOCLR_NOCLEANUP();
}

HRESULT Library_HssDevice_NativeUsb_HssDevice_Transport_NativeUsb_NativeUsbFunction::NativeReady___STATIC__I4(CLR_RT_StackFrame &stack)
{
    SetResult_INT32(stack, hss_nf_ready());
    return S_OK;
}
