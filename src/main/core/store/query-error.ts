/** Bad filter, cursor or record input; callers turn it into a usage error / invalid_input. */
export class CacheInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheInputError';
  }
}
