package dev.warden.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.messages.webmonitor.ClusterOverview;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.FileUpload;
import org.apache.flink.runtime.rest.RestClient;
import org.apache.flink.runtime.rest.messages.ClusterOverviewHeaders;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobCancellationHeaders;
import org.apache.flink.runtime.rest.messages.JobCancellationMessageParameters;
import org.apache.flink.runtime.rest.messages.JobsOverviewHeaders;
import org.apache.flink.runtime.rest.messages.TerminationModeQueryParameter;
import org.apache.flink.runtime.rest.messages.taskmanager.TaskManagerInfo;
import org.apache.flink.runtime.rest.messages.taskmanager.TaskManagersHeaders;
import org.apache.flink.runtime.rest.util.RestConstants;
import org.apache.flink.runtime.webmonitor.handlers.JarRunHeaders;
import org.apache.flink.runtime.webmonitor.handlers.JarRunMessageParameters;
import org.apache.flink.runtime.webmonitor.handlers.JarRunRequestBody;
import org.apache.flink.runtime.webmonitor.handlers.JarUploadHeaders;
import org.apache.flink.util.concurrent.Executors;

/**
 * The calls Warden makes to a Flink cluster's REST API, through Flink's own REST client and message
 * types: the same endpoints {@code curl} reaches ({@code /overview}, {@code /taskmanagers}, {@code
 * /jobs/overview}, {@code /jars/upload}, {@code /jars/:jarid/run}, {@code PATCH /jobs/:jobid}).
 */
public final class FlinkRest implements AutoCloseable {
  private final String host;
  private final int port;
  private final RestClient client;
  private final Duration timeout;

  public FlinkRest(String host, int port, Duration timeout) throws Exception {
    this.host = host;
    this.port = port;
    this.timeout = timeout;
    Configuration c = new Configuration();
    c.set(RestOptions.CONNECTION_TIMEOUT, Duration.ofSeconds(5));
    c.set(RestOptions.IDLENESS_TIMEOUT, timeout);
    this.client = new RestClient(c, Executors.directExecutor());
  }

  public String address() {
    return "http://" + host + ":" + port;
  }

  /** TaskManagers, slots and jobs at a glance ({@code GET /overview}). */
  public ClusterOverview overview() throws Exception {
    return await(client.sendRequest(host, port, ClusterOverviewHeaders.getInstance()));
  }

  /** The registered TaskManagers ({@code GET /taskmanagers}). */
  public Collection<TaskManagerInfo> taskManagers() throws Exception {
    return await(client.sendRequest(host, port, TaskManagersHeaders.getInstance()))
        .getTaskManagerInfos();
  }

  /** Every job the cluster knows, running or finished ({@code GET /jobs/overview}). */
  public Collection<JobDetails> jobs() throws Exception {
    return await(client.sendRequest(host, port, JobsOverviewHeaders.getInstance())).getJobs();
  }

  /** Uploads a job jar ({@code POST /jars/upload}); returns its jar id. */
  public String uploadJar(Path jar) throws Exception {
    String path =
        await(
                client.sendRequest(
                    host,
                    port,
                    JarUploadHeaders.getInstance(),
                    EmptyMessageParameters.getInstance(),
                    EmptyRequestBody.getInstance(),
                    List.of(new FileUpload(jar, RestConstants.CONTENT_TYPE_JAR))))
            .getFilename();
    // The response names the stored file; its name is the jar id.
    return Path.of(path).getFileName().toString();
  }

  /**
   * Runs an uploaded jar's entry class with these program arguments ({@code POST /jars/:jarid/run},
   * {@code programArgsList}); returns the job id.
   */
  public JobID runJar(String jarId, List<String> args) throws Exception {
    JarRunMessageParameters params = JarRunHeaders.getInstance().getUnresolvedMessageParameters();
    params.jarIdPathParameter.resolve(jarId);
    JarRunRequestBody body =
        new JarRunRequestBody(null, new ArrayList<>(args), null, null, null, null, null, null);
    return await(client.sendRequest(host, port, JarRunHeaders.getInstance(), params, body))
        .getJobId();
  }

  /** Cancels a job ({@code PATCH /jobs/:jobid?mode=cancel}). */
  public void cancel(JobID job) throws Exception {
    JobCancellationMessageParameters params =
        JobCancellationHeaders.getInstance().getUnresolvedMessageParameters();
    params.resolveJobId(job);
    params.resolveTerminationMode(TerminationModeQueryParameter.TerminationMode.CANCEL);
    await(
        client.sendRequest(
            host,
            port,
            JobCancellationHeaders.getInstance(),
            params,
            EmptyRequestBody.getInstance()));
  }

  private <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof Exception ex) {
        throw ex;
      }
      throw e;
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException(
          "no answer from the Flink REST API at "
              + address()
              + " within "
              + timeout.toSeconds()
              + " s");
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception ignored) {
      // its threads are daemons; nothing else to release
    }
  }
}
