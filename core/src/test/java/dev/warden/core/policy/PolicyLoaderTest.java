package dev.warden.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading policy files: every problem listed, and one message for a file that cannot be read. */
class PolicyLoaderTest {
  private static final String DEFAULT = PolicyLoader.defaultPolicyJson();

  /** The default policy's JSON with {@code field} added at the top, before its first field. */
  private static String withTopLevel(String json, String field) {
    int brace = json.indexOf('{');
    return json.substring(0, brace + 1) + field + "," + json.substring(brace + 1);
  }

  @Test
  void unknownFieldsAreListedWithTheValidatorsOtherProblems() {
    String json =
        withTopLevel(DEFAULT, "\"colour\": \"blue\", \"thresholdz\": {\"hold\": 1}")
            .replace("\"new_account_days\": 30,", "\"new_acount_days\": 30,")
            .replaceFirst("\"revision\": *[0-9]+", "\"revision\": 0");
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.parse(json));
    List<String> p = e.problems();
    assertTrue(
        p.contains(
            "unknown field 'colour' (./warden policy show-default prints every field a policy"
                + " has)"),
        p.toString());
    assertTrue(p.contains("unknown field 'thresholdz' (did you mean 'thresholds'?)"), p.toString());
    assertTrue(
        p.contains("seller: unknown field 'new_acount_days' (did you mean 'new_account_days'?)"),
        p.toString());
    assertTrue(
        p.contains("revision must be a positive number that grows with every change"),
        "the validator's problems come too: " + p);
  }

  @Test
  void unknownFieldsInListsAreNamedWithTheirPlace() {
    String json =
        DEFAULT.replaceFirst("\"term_lists\":\\s*\\[\\s*\\{", "\"term_lists\": [{\"nmae\": 1,");
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.parse(json));
    assertEquals(
        List.of("term_lists[0]: unknown field 'nmae' (did you mean 'name'?)"),
        e.problems(),
        "the rest of the default policy is valid");
  }

  @Test
  void aSignedBundleGivenAsAPolicyIsNamedAsOne() {
    String signed = "{\"envelope\": \"AAAA\", \"policy\": \"AAAA\", \"signatures\": []}";
    PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.parse(signed));
    assertEquals(List.of(PolicyLoader.SIGNED_BUNDLE), e.problems());
    assertTrue(
        e.getMessage().contains("this is a signed policy bundle (from ./warden policy sign)"));
  }

  @Test
  void aFileThatCannotBeReadGetsOneMessageWhicheverWayItIsRead(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    PolicyException a =
        assertThrows(PolicyException.class, () -> PolicyLoader.readJson(missing.toString()));
    PolicyException b = assertThrows(PolicyException.class, () -> PolicyLoader.readFile(missing));
    assertEquals("no such policy file: " + missing, a.getMessage());
    assertEquals(a.getMessage(), b.getMessage());
    PolicyException d =
        assertThrows(PolicyException.class, () -> PolicyLoader.readJson(dir.toString()));
    assertTrue(
        d.getMessage().startsWith(dir + " is a directory, not a policy file"), d.getMessage());
  }

  @Test
  void readJsonConvertsYaml(@TempDir Path dir) throws Exception {
    Path y = dir.resolve("p.yaml");
    Files.writeString(y, "version: y-1\nrevision: 7\n");
    assertEquals("y-1", PolicyLoader.parse(PolicyLoader.readJson(y.toString())).getVersion());
  }
}
