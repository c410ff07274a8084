import { ArtifactsClient } from './artifacts.js';
import { DatasetsClient } from './datasets.js';
import { HttpTransport, type ClientOptions } from './http.js';
import { MonitoringClient } from './monitoring.js';
import { RegistryClient } from './registry.js';
import { TrackingClient } from './tracking.js';
import { TrainingClient } from './training.js';
import { ValidationClient } from './validation.js';

/** The typed SDK over Keel's HTTP API. Each subsystem's calls live in their own file. */
export class KeelClient {
  readonly http: HttpTransport;
  readonly artifacts: ArtifactsClient;
  readonly datasets: DatasetsClient;
  readonly monitoring: MonitoringClient;
  readonly registry: RegistryClient;
  readonly tracking: TrackingClient;
  readonly training: TrainingClient;
  readonly validation: ValidationClient;

  constructor(options: ClientOptions) {
    this.http = new HttpTransport(options);
    this.artifacts = new ArtifactsClient(this.http);
    this.datasets = new DatasetsClient(this.http);
    this.monitoring = new MonitoringClient(this.http);
    this.registry = new RegistryClient(this.http);
    this.tracking = new TrackingClient(this.http);
    this.training = new TrainingClient(this.http);
    this.validation = new ValidationClient(this.http);
  }

  health(): Promise<{ status: string }> {
    return this.http.request('GET', 'healthz');
  }
}
