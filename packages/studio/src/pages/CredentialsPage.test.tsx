import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { CredentialSummary } from "../editor/contract.ts";
import { renderPage } from "../shell/testing.tsx";
import { CredentialsPage } from "./CredentialsPage.tsx";

describe("the credentials page", () => {
  it("saves a secret and never shows its value again", async () => {
    const stored: CredentialSummary[] = [];
    const putCredential = vi.fn(
      async (credentialsId: string, credential: { type: string; description: string }) => {
        const summary = { credentialsId, type: credential.type, description: credential.description };
        stored.push(summary);
        return summary;
      },
    );
    renderPage(<CredentialsPage />, { listCredentials: async () => [...stored], putCredential });
    await screen.findByText("No credentials yet.");
    fireEvent.click(screen.getByRole("button", { name: "New credentials" }));
    const dialog = screen.getByRole("dialog", { name: "New credentials" });
    fireEvent.change(within(dialog).getByLabelText("Id"), { target: { value: "warehouse" } });
    fireEvent.change(within(dialog).getByLabelText("Type"), { target: { value: "username-password" } });
    fireEvent.change(within(dialog).getByLabelText("Username"), { target: { value: "ops" } });
    fireEvent.change(within(dialog).getByLabelText("Password"), { target: { value: "s3cret-value" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(await screen.findByText("warehouse")).toBeTruthy();
    expect(putCredential).toHaveBeenCalledWith("warehouse", {
      type: "username-password",
      description: "",
      credentials: { username: "ops", password: "s3cret-value" },
    });
    expect(document.body.innerHTML).not.toContain("s3cret-value");
    fireEvent.click(screen.getByRole("button", { name: "New credentials" }));
    expect((screen.getByLabelText("Id") as HTMLInputElement).value).toBe("");
  });

  it("saves an AWS key and a Google service account's key file, and refuses a key file that is not JSON", async () => {
    const putCredential = vi.fn(async (credentialsId: string, credential: { type: string }) => ({
      credentialsId,
      type: credential.type,
      description: "",
    }));
    renderPage(<CredentialsPage />, { listCredentials: async () => [], putCredential });
    await screen.findByText("No credentials yet.");
    const open = (id: string, type: string) => {
      fireEvent.click(screen.getByRole("button", { name: "New credentials" }));
      const dialog = screen.getByRole("dialog", { name: "New credentials" });
      fireEvent.change(within(dialog).getByLabelText("Id"), { target: { value: id } });
      fireEvent.change(within(dialog).getByLabelText("Type"), { target: { value: type } });
      return dialog;
    };

    const aws = open("gateway", "aws");
    for (const [label, value] of [
      ["Access key id", "AKIDEXAMPLE"],
      ["Secret access key", "aws-secret-value"],
      ["Region", "ap-northeast-1"],
      ["Service", "execute-api"],
    ])
      fireEvent.change(within(aws).getByLabelText(label as string), { target: { value } });
    fireEvent.click(within(aws).getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(putCredential).toHaveBeenCalledWith("gateway", {
        type: "aws",
        description: "",
        credentials: {
          accessKeyId: "AKIDEXAMPLE",
          secretAccessKey: "aws-secret-value",
          region: "ap-northeast-1",
          service: "execute-api",
        },
      }),
    );

    const google = open("pubsub", "google-service-account-json");
    fireEvent.change(within(google).getByLabelText("Key file"), { target: { value: "{not json" } });
    fireEvent.click(within(google).getByRole("button", { name: "Save" }));
    expect(await within(google).findByText(/The key file is not JSON/)).toBeTruthy();
    expect(putCredential).toHaveBeenCalledTimes(1);
    const keyFile = {
      type: "service_account",
      client_email: "a@b.iam.gserviceaccount.com",
      private_key: "-----BEGIN",
    };
    fireEvent.change(within(google).getByLabelText("Key file"), {
      target: { value: JSON.stringify(keyFile) },
    });
    fireEvent.click(within(google).getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(putCredential).toHaveBeenLastCalledWith("pubsub", {
        type: "google-service-account-json",
        description: "",
        credentials: keyFile,
      }),
    );
  });

  it("deletes after confirming", async () => {
    const deleteCredential = vi.fn(async () => {});
    renderPage(<CredentialsPage />, {
      listCredentials: async () => [{ credentialsId: "old", type: "api-token", description: "" }],
      deleteCredential,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Delete credentials old" }));
    fireEvent.click(
      within(screen.getByRole("dialog", { name: "Delete credentials?" })).getByRole("button", {
        name: "Delete credentials",
      }),
    );
    await waitFor(() => expect(deleteCredential).toHaveBeenCalledWith("old"));
  });
});
