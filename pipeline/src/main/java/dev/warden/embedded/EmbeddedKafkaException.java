package dev.warden.embedded;

/** Starting, using or stopping the embedded Kafka broker failed. */
public class EmbeddedKafkaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EmbeddedKafkaException(String message) {
    super(message);
  }

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
