#!/usr/bin/python3
# A tiny D-Bus service for the tests, on the bus of DBUS_SESSION_BUS_ADDRESS:
# it owns every name given on the command line and answers on each, at
# object /org/subroot/Test, org.subroot.Test.Ping() -> "pong from NAME"; when
# it owns org.freedesktop.Notifications it is also a notification server
# whose Notify() appends "SUMMARY|BODY" to the file RECORD. Prints "ready"
# once it owns every name. Usage: bus-service.py RECORD NAME...
import sys
from gi.repository import Gio, GLib

record = sys.argv[1]
names = sys.argv[2:]

XML = """
<node>
  <interface name="org.subroot.Test">
    <method name="Ping"><arg type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
    </method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/><arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
  </interface>
</node>
"""
info = Gio.DBusNodeInfo.new_for_xml(XML)
owned = set()
loop = GLib.MainLoop()


def call(connection, sender, path, interface, method, parameters, invocation):
    if method == "Ping":
        destination = invocation.get_message().get_destination()
        invocation.return_value(GLib.Variant("(s)", ("pong from " + destination,)))
    elif method == "Notify":
        args = parameters.unpack()
        with open(record, "a") as f:
            f.write("%s|%s\n" % (args[3], args[4]))
        invocation.return_value(GLib.Variant("(u)", (1,)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("subroot-test", "subroot", "1", "1.2")))
    else:
        invocation.return_value(None)


def acquired(connection, name):
    owned.add(name)
    if owned == set(names):
        print("ready", flush=True)


def lost(connection, name):
    print("lost " + name, flush=True)
    loop.quit()


bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
for path in ["/org/subroot/Test", "/org/freedesktop/Notifications"]:
    for interface in info.interfaces:
        bus.register_object(path, interface, call, None, None)
for name in names:
    Gio.bus_own_name_on_connection(bus, name, Gio.BusNameOwnerFlags.NONE, acquired, lost)
loop.run()
