import { HttpTransport, type ClientOptions } from './http.js';
import { MonitoringClient } from './monitoring.js';
import { TrackingClient } from './tracking.js';
import { ValidationClient } from './validation.js';

/** The typed SDK over Keel's HTTP API. Each subsystem's calls live in their own file. */
export class KeelClient {
  readonly http: HttpTransport;
  readonly monitoring: MonitoringClient;
  readonly tracking: TrackingClient;
  readonly validation: ValidationClient;

  constructor(options: ClientOptions) {
    this.http = new HttpTransport(options);
    this.monitoring = new MonitoringClient(this.http);
    this.tracking = new TrackingClient(this.http);
    this.validation = new ValidationClient(this.http);
  }

  health(): Promise<{ status: string }> {
    return this.http.request('GET', 'healthz');
  }
}
