package dev.warden.load;

import dev.warden.cli.LocalBroker;

/**
 * Where the load tools connect by default: the broker of a Warden running on this machine (a
 * ./warden demo, run or broker), else 127.0.0.1:9092, found as every Warden command finds it.
 */
final class Conn {
  private Conn() {}

  static String defaultBootstrap() {
    return LocalBroker.discover().bootstrap();
  }
}
