/** A pip requirements file, by its name: `requirements.txt`, `requirements-dev.txt`, `requirements.in`. */
export const REQUIREMENTS_FILE = /^requirements[\w.-]*\.(?:txt|in)$/;
