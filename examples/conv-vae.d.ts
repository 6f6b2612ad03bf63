// Types of examples/conv-vae.js, for TypeScript users and the test that runs it.
import type * as torch from '../lib';

export declare class ConvVAE extends torch.nn.Module {
  readonly latents: number;
  readonly categories: number;
  readonly encoder: torch.nn.Sequential;
  readonly decoder: torch.nn.Sequential;
  constructor(latents?: number, categories?: number);
  forward(x: torch.Tensor, tau?: number, noise?: torch.Tensor): { recon: torch.Tensor; qy: torch.Tensor };
  loss(recon: torch.Tensor, x: torch.Tensor, qy: torch.Tensor): torch.Tensor;
}
export declare function trainStep(model: ConvVAE, opt: torch.optim.Adam, x: torch.Tensor, tau: number, noise?: torch.Tensor): number;
