// Preloaded (NODE_OPTIONS=--require) into every process of a `tagguard check` run: records each outgoing
// connection and DNS lookup to TAGGUARD_NET_LOG, so a test can prove nothing leaves loopback.
"use strict";
const fs = require("fs");
const net = require("net");
const dns = require("dns");

const log = process.env.TAGGUARD_NET_LOG;
const record = (what) => fs.appendFileSync(log, `${process.pid} ${what}\n`);
record(`start ${(process.argv[1] || "node").split(require("path").sep).slice(-3).join("/")}`);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
    const [first, second] = args;
    const opts = typeof first === "object" && first !== null ? (Array.isArray(first) ? first[0] : first) : { port: first, host: typeof second === "string" ? second : undefined };
    record(opts.path ? `unix ${opts.path}` : `tcp ${opts.host ?? "localhost"}:${opts.port}`);
    return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
    record(`dns ${hostname}`);
    return lookup.call(this, hostname, ...rest);
};
