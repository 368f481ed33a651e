// A config file Hookdock cannot start with. The message names the file and the
// JSON path of the bad field, so `hookdock serve` can print it as one line.
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
