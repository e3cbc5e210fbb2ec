import {
  splitListAnswer,
  type FieldType,
  type PlaybookPhase,
  type ProjectSnapshot,
} from '@playbook/contract';

/** What the template prints: the catalog in reading order with each field's answer, and the counts the logs need. */
export interface DocumentField {
  id: string;
  label: string;
  help: string;
  type: FieldType;
  /** The answer as typed (line breaks kept); undefined when blank. */
  answer?: string;
  /** The items of a `list` answer. */
  items?: string[];
}

export interface DocumentSection {
  id: string;
  title: string;
  intro: string;
  fields: DocumentField[];
  answered: number;
}

export interface DocumentPhase {
  id: PlaybookPhase['id'];
  number: number;
  title: string;
  summary: string;
  color: string;
  sections: DocumentSection[];
  answered: number;
  total: number;
}

export interface PlaybookDocument {
  projectName: string;
  description: string;
  generatedAt: Date;
  phases: DocumentPhase[];
  fieldCount: number;
  answeredCount: number;
  /** Answers stored for the project, including any whose field is no longer in the catalog. */
  responseCount: number;
}

/** Joins the snapshot's catalog with the project's answers; blank answers count as unanswered. */
export function buildPlaybookDocument(snapshot: ProjectSnapshot, generatedAt = new Date()): PlaybookDocument {
  const { catalog } = snapshot;
  const answers = new Map(snapshot.responses.filter((response) => response.value.trim() !== '').map((response) => [response.fieldId, response.value]));
  const phases = catalog.phases.map((phase, index): DocumentPhase => {
    const sections = phase.sections.map((section): DocumentSection => {
      const fields = section.fields.map((field): DocumentField => {
        const answer = answers.get(field.id);
        const base = { id: field.id, label: field.label, help: field.help, type: field.type };
        if (answer === undefined) return base;
        return field.type === 'list' ? { ...base, answer, items: splitListAnswer(answer) } : { ...base, answer };
      });
      return { id: section.id, title: section.title, intro: section.intro, fields, answered: fields.filter((field) => field.answer !== undefined).length };
    });
    return {
      id: phase.id,
      number: index + 1,
      title: phase.title,
      summary: phase.summary,
      color: phase.color,
      sections,
      answered: sections.reduce((sum, section) => sum + section.answered, 0),
      total: sections.reduce((sum, section) => sum + section.fields.length, 0),
    };
  });
  return {
    projectName: snapshot.project.name,
    description: snapshot.project.description,
    generatedAt,
    phases,
    fieldCount: phases.reduce((sum, phase) => sum + phase.total, 0),
    answeredCount: phases.reduce((sum, phase) => sum + phase.answered, 0),
    responseCount: snapshot.responses.length,
  };
}
