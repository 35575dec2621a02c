package dev.warden.core.policy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.proto.v1.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads policy bundles (protobuf JSON mapping of warden.v1.Policy) from files or the classpath. */
public final class PolicyLoader {
  public static final String DEFAULT_RESOURCE = "/policy/default-policy.json";

  private PolicyLoader() {}

  /** The built-in default policy's JSON text. */
  public static String defaultPolicyJson() {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in policy " + DEFAULT_RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The policy JSON from {@code file}, or the built-in default when {@code file} is null or empty. */
  public static String readJson(String file) {
    if (file == null || file.isEmpty()) {
      return defaultPolicyJson();
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException(List.of("cannot read policy file " + file + ": " + e));
    }
  }

  public static Policy parse(String json) {
    Policy.Builder b = Policy.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new PolicyException(List.of("not a warden.v1.Policy in JSON: " + e.getMessage()));
    }
    return b.build();
  }
}
