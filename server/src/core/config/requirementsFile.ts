/** A pip requirements file, by its name: `requirements.txt`, `requirements-dev.txt`, `requirements.in`. */
const PIP_REQUIREMENTS = /^requirements[\w.-]*\.(?:txt|in)$/;
/** A pip requirements file kept in a `requirements/` folder (pypi/warehouse's `requirements/main.txt`), by its path. */
const IN_REQUIREMENTS_FOLDER = /(?:^|\/)requirements\/[^/]+\.(?:txt|in)$/;

/**
 * Whether a file, by its path in the project, says what the project requires: pyproject.toml, setup.py, setup.cfg, a
 * Pipfile, pip's requirements files (`requirements*.txt`, and any `.txt` or `.in` directly in a `requirements/` folder).
 */
export function isRequirementsFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === 'pyproject.toml' || name === 'setup.py' || name === 'setup.cfg' || name === 'Pipfile' || PIP_REQUIREMENTS.test(name) || IN_REQUIREMENTS_FOLDER.test(path);
}

/** The folder whose requirements a requirements file states: its own, or the one that holds its `requirements/` folder. */
export function requirementsFolderOf(path: string): string {
  const folder = path.slice(0, Math.max(0, path.lastIndexOf('/')));
  return IN_REQUIREMENTS_FOLDER.test(path) ? folder.slice(0, Math.max(0, folder.lastIndexOf('/'))) : folder;
}
