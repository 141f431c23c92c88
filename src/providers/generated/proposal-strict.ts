/* Generated from schemas/proposal.schema.json by scripts/gen-strict-schemas.mjs — do not edit by hand. */
// The JSON patch schema in the strict form OpenAI Structured Outputs accepts.
export const PROPOSAL_STRICT_SCHEMA: Record<string, unknown> = {
  "description": "A JSON patch a model may answer with instead of a unified diff: a list of file edits.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "summary",
    "edits"
  ],
  "properties": {
    "summary": {
      "type": [
        "string",
        "null"
      ],
      "description": "One paragraph on what the edits do."
    },
    "edits": {
      "type": "array",
      "items": {
        "$ref": "#/$defs/edit"
      },
      "description": "Edits applied in order."
    }
  },
  "$defs": {
    "edit": {
      "anyOf": [
        {
          "$ref": "#/$defs/replace"
        },
        {
          "$ref": "#/$defs/create"
        },
        {
          "$ref": "#/$defs/overwrite"
        },
        {
          "$ref": "#/$defs/delete"
        }
      ]
    },
    "path": {
      "type": "string",
      "description": "Path relative to the repository root, with forward slashes."
    },
    "replace": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "op",
        "path",
        "old",
        "new",
        "count"
      ],
      "description": "Replace one exact occurrence of old with new in an existing file.",
      "properties": {
        "op": {
          "type": "string",
          "enum": [
            "replace"
          ],
          "description": "Replace exact text."
        },
        "path": {
          "$ref": "#/$defs/path"
        },
        "old": {
          "type": "string",
          "description": "Exact existing text; must occur exactly once (or count times)."
        },
        "new": {
          "type": "string",
          "description": "Replacement text."
        },
        "count": {
          "type": [
            "integer",
            "null"
          ],
          "description": "How many occurrences must exist and are replaced (default 1)."
        }
      }
    },
    "create": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "op",
        "path",
        "content"
      ],
      "description": "Create a file that does not exist.",
      "properties": {
        "op": {
          "type": "string",
          "enum": [
            "create"
          ],
          "description": "Create a new file."
        },
        "path": {
          "$ref": "#/$defs/path"
        },
        "content": {
          "type": "string",
          "description": "The new file's text."
        }
      }
    },
    "overwrite": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "op",
        "path",
        "content"
      ],
      "description": "Replace an existing file's whole text.",
      "properties": {
        "op": {
          "type": "string",
          "enum": [
            "overwrite"
          ],
          "description": "Rewrite an existing file."
        },
        "path": {
          "$ref": "#/$defs/path"
        },
        "content": {
          "type": "string",
          "description": "The file's new text."
        }
      }
    },
    "delete": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "op",
        "path"
      ],
      "description": "Delete an existing file (only when the policy allows deletes).",
      "properties": {
        "op": {
          "type": "string",
          "enum": [
            "delete"
          ],
          "description": "Delete a file."
        },
        "path": {
          "$ref": "#/$defs/path"
        }
      }
    }
  }
};
