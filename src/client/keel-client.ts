import { HttpTransport, type ClientOptions } from './http.js';

/** The typed SDK over Keel's HTTP API. Each subsystem's calls live in their own file. */
export class KeelClient {
  readonly http: HttpTransport;

  constructor(options: ClientOptions) {
    this.http = new HttpTransport(options);
  }

  health(): Promise<{ status: string }> {
    return this.http.request('GET', 'healthz');
  }
}
