package dev.warden.job;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What the threads of this JVM are doing, for the failure message of a test that waited for a job
 * in this JVM (a MiniCluster) and timed out: a job that stopped moving shows where its task threads
 * wait.
 */
final class ThreadDump {
  private ThreadDump() {}

  /** Flink's task, source and mailbox threads and Kafka's client threads, with their stacks. */
  static String ofJobThreads() {
    ThreadInfo[] all = ManagementFactory.getThreadMXBean().dumpAllThreads(true, true);
    return Arrays.stream(all)
        .filter(ThreadDump::relevant)
        .map(ThreadDump::format)
        .collect(Collectors.joining("\n"));
  }

  private static boolean relevant(ThreadInfo t) {
    String n = t.getThreadName();
    return n.contains("(") && n.contains("/") // Flink task threads: "seller_scorer (1/2)#0"
        || n.startsWith("Source Data Fetcher")
        || n.startsWith("kafka-producer-network-thread")
        || n.contains("Checkpoint")
        || n.startsWith("Legacy Source Thread");
  }

  private static String format(ThreadInfo t) {
    StringBuilder b = new StringBuilder();
    b.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
    if (t.getLockName() != null) {
      b.append(" on ").append(t.getLockName());
    }
    if (t.getLockOwnerName() != null) {
      b.append(" owned by \"").append(t.getLockOwnerName()).append('"');
    }
    b.append('\n');
    StackTraceElement[] stack = t.getStackTrace();
    for (int i = 0; i < Math.min(stack.length, 40); i++) {
      b.append("    at ").append(stack[i]).append('\n');
    }
    return b.toString();
  }
}
