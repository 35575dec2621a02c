package dev.warden.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The shipped real brand names ({@code /data/brands.tsv}, CC0): name and aliases. */
public final class BrandCatalog {
  public record Entry(String brand, List<String> aliases) {}

  private BrandCatalog() {}

  public static List<Entry> load() {
    try (InputStream in = BrandCatalog.class.getResourceAsStream("/data/brands.tsv")) {
      if (in == null) {
        throw new IllegalStateException("/data/brands.tsv is missing from the classpath");
      }
      List<Entry> out = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = r.readLine(); // header
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] cols = line.split("\t", -1);
        List<String> aliases = new ArrayList<>();
        if (cols.length > 1 && !cols[1].isBlank()) {
          for (String a : cols[1].split(";")) {
            if (!a.isBlank()) {
              aliases.add(a.strip());
            }
          }
        }
        out.add(new Entry(cols[0].strip(), aliases));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
