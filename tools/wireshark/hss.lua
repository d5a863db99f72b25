-- Wireshark dissector for Host Socket Sharing (HSS) as HssDevice speaks it (docs/protocol.md), on top of
-- Wireshark's USB dissector. Load it with `wireshark -X lua_script:tools/wireshark/hss.lua capture.pcap` or copy it
-- to the personal plugins folder (docs/tool.md, "Captures"). Field names: docs/tool.md.
--
-- Found by: the interface triple 0xFF/0xAB/0x00 (vendor profile) and 0x02/0xAB (CDC communications interface), and
-- the VID:PID list of the preference "hss.vidpid" (default 1209:0001, the project's boards). The USB dissector
-- learns both from the GET_DESCRIPTOR answers at the start of a capture (`hss --pcap` writes them for every device).
-- The TCP single-pipe profile appears in `hss` captures as a pseudo USB device on bus 2 with one bulk pair.

local hss = Proto("hss", "Host Socket Sharing")

local HEADER_LEN = 12
local COMMAND_MAX_PAYLOAD = 52          -- 64-byte interrupt packet minus the header (section 3)
local FRAMING_LIMIT = 16 * 1024 * 1024  -- a payload_len beyond this cannot be trusted (section 11)

local OPEN, CONNECT, SHUTDOWN, TRANSMIT, ACK, REPLY, CLOSE = 0, 1, 2, 3, 4, 5, 6
local opcode_names = {
    [OPEN] = "OPEN", [CONNECT] = "CONNECT", [SHUTDOWN] = "SHUTDOWN", [TRANSMIT] = "TRANSMIT",
    [ACK] = "ACK", [REPLY] = "REPLY", [CLOSE] = "CLOSE",
}
local is_command = { [OPEN] = true, [CONNECT] = true, [SHUTDOWN] = true, [ACK] = true, [CLOSE] = true }
local is_request = { [OPEN] = true, [CONNECT] = true, [SHUTDOWN] = true, [CLOSE] = true, [TRANSMIT] = true }
local is_answer = { [ACK] = true, [REPLY] = true }

-- Extensions (issue 17 section 1, not defined yet): when docs/protocol.md gains them, each extension opcode goes in
-- this table as [opcode] = { name = "...", command = true|false, request = true|false, dissect = function(tree, tvb, offset, len, pkt) }.
-- The parser and the display below consult it before calling an opcode unknown.
local extension_opcodes = {}

local families = { [1] = "IPv4", [2] = "IPv6" }
local protocols = { [1] = "TCP", [2] = "UDP" }
local types = { [1] = "stream", [2] = "datagram" }
local error_codes = {
    [0] = "ESUCCESS", [1] = "EHOSTERR", [2] = "EINVAL", [3] = "EPROTONOSUPPORT", [4] = "ECONNREFUSED",
    [5] = "ENETUNREACH", [6] = "ETIMEDOUT", [7] = "EMISMATCH", [8] = "ENOTCONN", [9] = "ENOSOCK", [10] = "EDENIED",
}

local f = {
    opcode = ProtoField.uint16("hss.opcode", "Opcode", base.DEC, opcode_names),
    msg_id = ProtoField.uint16("hss.msg_id", "Message ID", base.DEC),
    sock_id = ProtoField.uint32("hss.sock_id", "Socket ID", base.HEX),
    payload_len = ProtoField.uint32("hss.payload_len", "Payload length", base.DEC),
    direction = ProtoField.string("hss.direction", "Direction"),
    pipe = ProtoField.string("hss.pipe", "Pipe"),
    open_handle = ProtoField.uint32("hss.open.handle", "Handle", base.HEX),
    open_family = ProtoField.uint16("hss.open.family", "Family", base.DEC, families),
    open_protocol = ProtoField.uint16("hss.open.protocol", "Protocol", base.DEC, protocols),
    open_type = ProtoField.uint8("hss.open.type", "Type", base.DEC, types),
    connect_family = ProtoField.uint16("hss.connect.family", "Family", base.DEC, families),
    connect_port = ProtoField.uint16("hss.connect.port", "Port", base.DEC),
    connect_ipv4 = ProtoField.ipv4("hss.connect.ipv4", "IPv4 address"),
    connect_flowinfo = ProtoField.uint32("hss.connect.flowinfo", "Flow info", base.HEX),
    connect_scope_id = ProtoField.uint32("hss.connect.scope_id", "Scope ID", base.DEC),
    connect_ipv6 = ProtoField.ipv6("hss.connect.ipv6", "IPv6 address"),
    connect_padding = ProtoField.bytes("hss.connect.padding", "Trailing bytes (40-byte IPv6 form)"),
    data = ProtoField.bytes("hss.data", "Data"),
    data_len = ProtoField.uint32("hss.data_len", "Data length", base.DEC),
    orig_opcode = ProtoField.uint16("hss.ack.orig_opcode", "Answers opcode", base.DEC, opcode_names),
    code = ProtoField.uint8("hss.ack.code", "Code", base.DEC, error_codes),
    count = ProtoField.int32("hss.ack.count", "Bytes accepted (or minus an error code)", base.DEC),
    return_data = ProtoField.bytes("hss.ack.return_data", "Return data"),
    request_in = ProtoField.framenum("hss.request_in", "Request in frame", base.NONE, frametype and frametype.REQUEST or nil),
    response_in = ProtoField.framenum("hss.response_in", "Answer in frame", base.NONE, frametype and frametype.RESPONSE or nil),
    time = ProtoField.relative_time("hss.time", "Time since request"),
    begins_in = ProtoField.framenum("hss.begins_in", "Packet begins in frame"),
    continues_in = ProtoField.framenum("hss.continues_in", "Packet continues in frame"),
    partial = ProtoField.bytes("hss.partial", "Start of a packet that continues in a later transfer"),
    extension = ProtoField.bytes("hss.extension", "Extension payload"),
}
hss.fields = {
    f.opcode, f.msg_id, f.sock_id, f.payload_len, f.direction, f.pipe, f.open_handle, f.open_family, f.open_protocol,
    f.open_type, f.connect_family, f.connect_port, f.connect_ipv4, f.connect_flowinfo, f.connect_scope_id,
    f.connect_ipv6, f.connect_padding, f.data, f.data_len, f.orig_opcode, f.code, f.count, f.return_data, f.request_in,
    f.response_in, f.time, f.begins_in, f.continues_in, f.partial, f.extension,
}

local e = {
    unknown_opcode = ProtoExpert.new("hss.expert.unknown_opcode", "Unknown opcode", expert.group.MALFORMED, expert.severity.ERROR),
    bad_length = ProtoExpert.new("hss.expert.bad_length", "Payload length wrong for the opcode", expert.group.MALFORMED, expert.severity.ERROR),
    framing_lost = ProtoExpert.new("hss.expert.framing_lost", "Framing lost: the rest of the transfer cannot be parsed", expert.group.MALFORMED, expert.severity.ERROR),
    command_transfer = ProtoExpert.new("hss.expert.command_transfer", "Command transfer does not hold exactly one packet", expert.group.MALFORMED, expert.severity.ERROR),
    bad_field = ProtoExpert.new("hss.expert.bad_field", "Field value the receiver answers EINVAL", expert.group.PROTOCOL, expert.severity.WARN),
    unmatched = ProtoExpert.new("hss.expert.unmatched_answer", "Answer matches no outstanding request", expert.group.SEQUENCE, expert.severity.WARN),
    mismatch = ProtoExpert.new("hss.expert.answer_mismatch", "Answer's opcode or socket differs from its request's", expert.group.SEQUENCE, expert.severity.WARN),
    duplicate = ProtoExpert.new("hss.expert.duplicate_msg_id", "Request reuses a message ID whose answer is outstanding", expert.group.SEQUENCE, expert.severity.WARN),
    error_code = ProtoExpert.new("hss.expert.error_code", "Request failed", expert.group.RESPONSE_CODE, expert.severity.NOTE),
}
hss.experts = { e.unknown_opcode, e.bad_length, e.framing_lost, e.command_transfer, e.bad_field, e.unmatched, e.mismatch, e.duplicate, e.error_code }

hss.prefs.vidpid = Pref.string("VID:PID list", "1209:0001",
    "Devices dissected as HSS by VID:PID whatever their interface (comma-separated hex, e.g. 1209:0001,2fe0:0001)")

local usb_bus = Field.new("usb.bus_id")
local usb_device = Field.new("usb.device_address")
local usb_endpoint = Field.new("usb.endpoint_address")
local usb_transfer_type = Field.new("usb.transfer_type")

-- State of the first pass (rebuilt on every reload): stream buffers per endpoint, outstanding requests per device and
-- direction, and what each frame holds. Later passes (and clicks in the GUI) only read `frames`.
local streams, outstanding, frames

function hss.init()
    streams, outstanding, frames = {}, {}, {}
end

local function u16(s, i) return s:byte(i) + s:byte(i + 1) * 256 end
local function u32(s, i) return u16(s, i) + u16(s, i + 2) * 65536 end

local function opcode_name(op)
    if opcode_names[op] then return opcode_names[op] end
    if extension_opcodes[op] then return extension_opcodes[op].name end
    return string.format("unknown opcode 0x%04x", op)
end

local function known(op) return opcode_names[op] ~= nil or extension_opcodes[op] ~= nil end
local function command_class(op)
    if extension_opcodes[op] then return extension_opcodes[op].command end
    return is_command[op]
end

-- Splits `buf` (a Lua string: leftover of earlier transfers plus this one) into packets. Returns the list of
-- complete packets {offset (0-based), length, opcode, msg_id, sock_id}, the offset where an incomplete packet starts
-- (or nil), and a framing error message (or nil) after which nothing more was parsed.
local function split(buf)
    local packets, at, n = {}, 1, #buf
    while n - at + 1 >= HEADER_LEN do
        local op, plen = u16(buf, at), u32(buf, at + 8)
        if not known(op) then
            return packets, nil, string.format("unknown opcode 0x%04x at byte %d", op, at - 1), at - 1
        end
        if plen > FRAMING_LIMIT or (command_class(op) and plen > COMMAND_MAX_PAYLOAD) then
            return packets, nil, string.format("%s with payload_len %d (limit %d)", opcode_name(op), plen,
                command_class(op) and COMMAND_MAX_PAYLOAD or FRAMING_LIMIT), at - 1
        end
        if n - at + 1 < HEADER_LEN + plen then break end
        packets[#packets + 1] = { offset = at - 1, length = HEADER_LEN + plen, opcode = op,
            msg_id = u16(buf, at + 2), sock_id = u32(buf, at + 4), payload_len = plen }
        at = at + HEADER_LEN + plen
    end
    if at <= n then return packets, at - 1, nil end
    return packets, nil, nil
end

local function seconds_to_nstime(d)
    if d < 0 then d = 0 end
    local s = math.floor(d)
    return NSTime.new(s, math.floor((d - s) * 1e9 + 0.5))
end

-- Pairs requests and answers of one device by msg_id (section 9): a request sent device-to-host is answered
-- host-to-device and the other way round.
local function match(device, to_host, p, frame_number, ts)
    local request_key = device .. (to_host and ">" or "<")
    local answer_key = device .. (to_host and "<" or ">")
    if is_request[p.opcode] or (extension_opcodes[p.opcode] and extension_opcodes[p.opcode].request) then
        outstanding[request_key] = outstanding[request_key] or {}
        local pending = outstanding[request_key]
        if pending[p.msg_id] then p.duplicate = pending[p.msg_id].frame end
        local handle = p.sock_id
        if p.opcode == OPEN and p.open_handle then handle = p.open_handle end
        p.request = { frame = frame_number, ts = ts, opcode = p.opcode, sock_id = handle }
        pending[p.msg_id] = p.request
    elseif is_answer[p.opcode] then
        local pending = outstanding[answer_key]
        local request = pending and pending[p.msg_id]
        if not request then
            p.unmatched = true
            return
        end
        pending[p.msg_id] = nil
        request.answer_frame = frame_number
        p.request_frame = request.frame
        p.delta = ts - request.ts
        if p.orig_opcode ~= nil and (p.orig_opcode ~= request.opcode or p.sock_id ~= request.sock_id) then
            p.mismatch = string.format("request in frame %d was %s on socket 0x%08x", request.frame,
                opcode_name(request.opcode), request.sock_id)
        end
    end
end

-- The first pass over one transfer: reassembles it with what its endpoint left over and records the result.
local function first_pass(tvb, pinfo, key, device, to_host, interrupt)
    local state = streams[key]
    if interrupt and state and #state.buf > 0 then
        -- One packet per interrupt transfer (section 3): what the previous transfer left unfinished is lost.
        frames[state.frame].cut_short = true
        state = nil
    end
    local prefix, begins = "", nil
    if state and #state.buf > 0 then prefix, begins = state.buf, state.frame end
    local buf = prefix .. tvb:raw(0, tvb:len())
    local packets, partial_at, framing, framing_at = split(buf)
    local info = { packets = packets, prefix_len = #prefix, begins_in = begins, framing = framing, framing_at = framing_at,
        to_host = to_host, interrupt = interrupt }
    if #prefix > 0 then info.combined = buf end
    if begins then frames[begins].continues_in = pinfo.number end
    if interrupt and partial_at == nil and framing == nil and #packets ~= 1 then
        info.command_count = #packets
    end
    for _, p in ipairs(packets) do
        local base = p.offset + 1
        if (p.opcode == ACK or p.opcode == REPLY) and p.payload_len >= 3 then
            p.orig_opcode = u16(buf, base + HEADER_LEN)
        end
        if p.opcode == OPEN and p.payload_len >= 4 then p.open_handle = u32(buf, base + HEADER_LEN) end
        match(device, to_host, p, pinfo.number, pinfo.abs_ts)
    end
    if partial_at ~= nil and not interrupt then
        info.partial_at = partial_at
        streams[key] = { buf = buf:sub(partial_at + 1), frame = pinfo.number }
    else
        if partial_at ~= nil then info.partial_at = partial_at; info.cut_short = true end
        streams[key] = nil
    end
    frames[pinfo.number] = info
end

local function add_expert(item, ex, text)
    if text then item:add_proto_expert_info(ex, text) else item:add_proto_expert_info(ex) end
end

local function dissect_open(tree, tvb, at, plen, p)
    if plen ~= 9 then add_expert(tree, e.bad_length, "OPEN payload must be 9 bytes, is " .. plen); return end
    tree:add_le(f.open_handle, tvb(at, 4))
    local fam_item = tree:add_le(f.open_family, tvb(at + 4, 2))
    local proto_item = tree:add_le(f.open_protocol, tvb(at + 6, 2))
    local type_item = tree:add(f.open_type, tvb(at + 8, 1))
    local handle, fam, proto, typ = tvb(at, 4):le_uint(), tvb(at + 4, 2):le_uint(), tvb(at + 6, 2):le_uint(), tvb(at + 8, 1):uint()
    if handle == 0 then add_expert(tree, e.bad_field, "OPEN with handle 0") end
    if p.sock_id ~= 0 then add_expert(tree, e.bad_field, "OPEN's sock_id must be 0") end
    if not families[fam] then add_expert(fam_item, e.bad_field, "unknown family " .. fam) end
    if not protocols[proto] then add_expert(proto_item, e.bad_field, "unknown protocol " .. proto) end
    if not types[typ] then add_expert(type_item, e.bad_field, "unknown type " .. typ)
    elseif protocols[proto] and proto ~= typ then add_expert(type_item, e.bad_field, "TCP goes with stream, UDP with datagram") end
    return string.format(" handle=0x%08x %s/%s", handle, families[fam] or "?", protocols[proto] or "?")
end

local function dissect_connect(tree, tvb, at, plen)
    if plen < 2 then add_expert(tree, e.bad_length, "CONNECT payload too short"); return end
    local fam = tvb(at, 2):le_uint()
    local fam_item = tree:add_le(f.connect_family, tvb(at, 2))
    if fam == 1 then
        if plen ~= 8 then add_expert(tree, e.bad_length, "IPv4 CONNECT payload must be 8 bytes, is " .. plen); return end
        tree:add(f.connect_port, tvb(at + 2, 2))
        tree:add(f.connect_ipv4, tvb(at + 4, 4))
        return string.format(" %s:%d", tostring(tvb(at + 4, 4):ipv4()), tvb(at + 2, 2):uint())
    elseif fam == 2 then
        if plen ~= 28 and plen ~= 40 then add_expert(tree, e.bad_length, "IPv6 CONNECT payload must be 28 (or 40) bytes, is " .. plen); return end
        tree:add(f.connect_port, tvb(at + 2, 2))
        tree:add(f.connect_flowinfo, tvb(at + 4, 4))
        tree:add_le(f.connect_scope_id, tvb(at + 8, 4))
        tree:add(f.connect_ipv6, tvb(at + 12, 16))
        if plen == 40 then tree:add(f.connect_padding, tvb(at + 28, 12)) end
        return string.format(" [%s]:%d", tostring(tvb(at + 12, 16):ipv6()), tvb(at + 2, 2):uint())
    end
    add_expert(fam_item, e.bad_field, "unknown family " .. fam)
end

local function dissect_answer(tree, tvb, at, plen, p)
    if plen < 3 then add_expert(tree, e.bad_length, "an answer's payload is at least 3 bytes, is " .. plen); return end
    local orig, code = tvb(at, 2):le_uint(), tvb(at + 2, 1):uint()
    local orig_item = tree:add_le(f.orig_opcode, tvb(at, 2))
    local code_item = tree:add(f.code, tvb(at + 2, 1))
    if not known(orig) then add_expert(orig_item, e.bad_field, string.format("answers unknown opcode 0x%04x", orig)) end
    if p.opcode == ACK and not command_class(orig) and orig ~= TRANSMIT then
        add_expert(orig_item, e.bad_field, "answers a packet that is not a request")
    end
    local text = string.format(" %s %s", opcode_name(orig), error_codes[code] or ("code " .. code))
    if code ~= 0 then add_expert(code_item, e.error_code, string.format("%s failed: %s", opcode_name(orig), error_codes[code] or ("code " .. code))) end
    if orig == TRANSMIT then
        if plen == 7 then
            tree:add_le(f.count, tvb(at + 3, 4))
            text = text .. " count=" .. tvb(at + 3, 4):le_int()
        elseif plen ~= 3 then
            add_expert(tree, e.bad_length, "a TRANSMIT's ACK is 3 or 7 bytes, is " .. plen)
        end
    elseif plen > 3 then
        tree:add(f.return_data, tvb(at + 3, plen - 3))
    end
    return text
end

local function dissect_packet(root, tvb, p, info, to_host, pipe)
    local at, plen = p.offset, p.payload_len
    local tree = root:add(hss, tvb(at, p.length), string.format("HSS %s, msg_id %d, sock_id 0x%08x, %d payload bytes",
        opcode_name(p.opcode), p.msg_id, p.sock_id, plen))
    tree:add(f.direction, to_host and "device-to-host" or "host-to-device"):set_generated()
    tree:add(f.pipe, pipe):set_generated()
    if info.begins_in and at < info.prefix_len then tree:add(f.begins_in, info.begins_in):set_generated() end
    local op_item = tree:add_le(f.opcode, tvb(at, 2))
    tree:add_le(f.msg_id, tvb(at + 2, 2))
    tree:add_le(f.sock_id, tvb(at + 4, 4))
    tree:add_le(f.payload_len, tvb(at + 8, 4))
    local body = at + HEADER_LEN
    local text
    if p.opcode == OPEN then text = dissect_open(tree, tvb, body, plen, p)
    elseif p.opcode == CONNECT then text = dissect_connect(tree, tvb, body, plen)
    elseif p.opcode == TRANSMIT then
        tree:add(f.data_len, plen):set_generated()
        if plen > 0 then tree:add(f.data, tvb(body, plen)) end
        text = " " .. plen .. " bytes"
    elseif p.opcode == ACK or p.opcode == REPLY then text = dissect_answer(tree, tvb, body, plen, p)
    elseif p.opcode == SHUTDOWN or p.opcode == CLOSE then
        if plen ~= 0 then add_expert(tree, e.bad_length, opcode_name(p.opcode) .. " has no payload, has " .. plen) end
    elseif extension_opcodes[p.opcode] then
        if plen > 0 then tree:add(f.extension, tvb(body, plen)) end
        text = extension_opcodes[p.opcode].dissect and extension_opcodes[p.opcode].dissect(tree, tvb, body, plen, p)
    end
    if p.request and p.request.answer_frame then
        tree:add(f.response_in, p.request.answer_frame):set_generated()
    end
    if p.request_frame then
        tree:add(f.request_in, p.request_frame):set_generated()
        tree:add(f.time, seconds_to_nstime(p.delta)):set_generated()
    end
    if p.unmatched then add_expert(op_item, e.unmatched, string.format("no outstanding request with msg_id %d", p.msg_id)) end
    if p.mismatch then add_expert(op_item, e.mismatch, p.mismatch) end
    if p.duplicate then add_expert(op_item, e.duplicate, string.format("msg_id %d still outstanding from frame %d", p.msg_id, p.duplicate)) end
    return string.format("%s msg=%d sock=0x%x%s", opcode_name(p.opcode), p.msg_id, p.sock_id, text or "")
end

-- Bus, device and endpoint of this transfer: from the USB dissector's fields, or, when it built no tree (tshark's
-- first pass with -2), from the addresses it gives the packet ("1.2.1" and "host"). The transfer type is known only
-- from the fields; without them every pipe is reassembled as a stream, which bulk and interrupt both allow.
local function where(pinfo)
    local bus, dev, ep, tt = usb_bus(), usb_device(), usb_endpoint(), usb_transfer_type()
    if bus and dev and ep then
        return tostring(bus.value) .. "." .. tostring(dev.value), ep.value, tt and tt.value == 1
    end
    local src, dst = tostring(pinfo.src), tostring(pinfo.dst)
    local to_host = dst == "host"
    local b, d, n = string.match(to_host and src or dst, "^(%d+)%.(%d+)%.(%d+)$")
    if not b then return nil end
    return b .. "." .. d, tonumber(n) + (to_host and 0x80 or 0), false
end

function hss.dissector(tvb, pinfo, root)
    if tvb:len() == 0 then return 0 end
    if frames[pinfo.number] == nil then
        local device, endpoint, interrupt = where(pinfo)
        if not device then return 0 end
        first_pass(tvb, pinfo, device .. "." .. tostring(endpoint), device, endpoint >= 0x80, interrupt)
    end
    local info = frames[pinfo.number]
    if not info then return 0 end

    local to_host, interrupt = info.to_host, info.interrupt
    pinfo.cols.protocol = "HSS"
    local view = tvb
    if info.combined then view = ByteArray.new(info.combined, true):tvb("Reassembled HSS") end
    local summary = {}
    local pipe = (interrupt and "interrupt" or "bulk") .. (to_host and " IN" or " OUT")
    for _, p in ipairs(info.packets) do
        summary[#summary + 1] = dissect_packet(root, view, p, info, to_host, pipe)
    end
    if info.framing then
        local item = root:add(hss, view(info.framing_at, view:len() - info.framing_at), "HSS: unparsable bytes")
        local unknown = info.framing:find("unknown opcode", 1, true)
        if unknown then add_expert(item, e.unknown_opcode, info.framing) end
        -- On an interrupt pipe the next transfer starts a new packet; on a bulk pipe or a stream nothing after this
        -- can be trusted (the receiver resets the link, docs/protocol.md section 11).
        if not interrupt then add_expert(item, e.framing_lost, unknown and nil or info.framing)
        elseif not unknown then add_expert(item, e.bad_length, info.framing) end
        summary[#summary + 1] = "[" .. info.framing .. "]"
    end
    if info.partial_at then
        local range = view(info.partial_at, view:len() - info.partial_at)
        local sub = root:add(hss, range, "HSS: start of a packet that continues in a later transfer")
        local item = sub:add(f.partial, range)
        if info.continues_in then sub:add(f.continues_in, info.continues_in):set_generated() end
        if info.cut_short then add_expert(item, e.command_transfer, "the transfer ended inside a command packet") end
        summary[#summary + 1] = "[packet continues]"
    end
    if info.cut_short and not info.partial_at then
        root:add_proto_expert_info(e.command_transfer, "this transfer's command packet was cut short by the next transfer")
    end
    if info.command_count then
        root:add_proto_expert_info(e.command_transfer, string.format("command transfer holds %d packets", info.command_count))
    end
    pinfo.cols.info = pipe .. ": " .. table.concat(summary, "; ")
    return tvb:len()
end

-- Registration: by interface triple (class << 16 | subclass << 8 | protocol) and by VID:PID.
local usb_protocol = DissectorTable.get("usb.protocol")
usb_protocol:add(0xFFAB00, hss)   -- vendor profile (docs/protocol.md section 12)
usb_protocol:add(0x02AB00, hss)   -- CDC variant's communications interface (interrupt pair), default subclass

local registered_products = {}
local function register_vidpid()
    local products = DissectorTable.get("usb.product")
    for _, id in ipairs(registered_products) do products:remove(id, hss) end
    registered_products = {}
    for vid, pid in string.gmatch(hss.prefs.vidpid or "", "(%x+):(%x+)") do
        local id = tonumber(vid, 16) * 65536 + tonumber(pid, 16)
        products:add(id, hss)
        registered_products[#registered_products + 1] = id
    end
end
register_vidpid()
function hss.prefs_changed() register_vidpid() end
