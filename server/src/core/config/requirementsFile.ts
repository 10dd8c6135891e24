/** A pip requirements file, by its name: `requirements.txt`, `requirements-dev.txt`, `requirements.in`. */
const PIP_REQUIREMENTS = /^requirements[\w.-]*\.(?:txt|in)$/;

/** Whether a file, by its name, says what the project requires: pyproject.toml, setup.py, setup.cfg, a Pipfile, pip's requirements files. */
export function isRequirementsFile(name: string): boolean {
  return name === 'pyproject.toml' || name === 'setup.py' || name === 'setup.cfg' || name === 'Pipfile' || PIP_REQUIREMENTS.test(name);
}
